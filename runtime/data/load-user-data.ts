/**
 * Loads the user data files a training names (`idx`, `csv`, `npy`, `json`), dispatching on the
 * dataset's kind. Paths are relative to the `.nn` file's folder; every loader validates each row and
 * throws a `DataError` naming the file, the row and what was expected.
 */
import { settled, type DataSetting, type Tunable } from "../settings.js";
import { loadCsv, type CsvSetting } from "./csv.js";
import type { Examples } from "./examples.js";
import { loadIdx, type IdxSetting } from "./idx.js";
import { loadJson, type JsonSetting } from "./json.js";
import { loadNpy, type NpySetting } from "./npy.js";

/** A user-file dataset with every value resolved: what the loaders read. */
export type UserDataSetting =
  | ({ readonly kind: "idx" } & IdxSetting)
  | ({ readonly kind: "csv" } & CsvSetting)
  | ({ readonly kind: "npy" } & NpySetting)
  | ({ readonly kind: "json" } & JsonSetting);

/** The same datasets as the resolved training holds them, where a value may still be a search space. */
export type TunableUserDataSetting = Extract<DataSetting, { readonly kind: UserDataSetting["kind"] }>;

/**
 * Loads a user-file dataset. It also takes the training's own `DataSetting` (whose values are
 * `Tunable`), so the caller needs no conversion; a value that is still a search space is an error.
 */
export function loadUserData(setting: UserDataSetting | TunableUserDataSetting, baseDir: string): Examples {
  const s = settle(setting);
  switch (s.kind) {
    case "idx":
      return loadIdx(s, baseDir);
    case "csv":
      return loadCsv(s, baseDir);
    case "npy":
      return loadNpy(s, baseDir);
    case "json":
      return loadJson(s, baseDir);
  }
}

/** The setting with each value settled; `data.<key>` names the one that is not, if any. */
export function settle(setting: UserDataSetting | TunableUserDataSetting): UserDataSetting {
  const one = <T>(value: Tunable<T>, key: string): T => settled(value, `data.${key}`);
  const optional = <T>(value: Tunable<T> | null, key: string): T | null => (value === null ? null : one(value, key));
  const shape = (value: readonly Tunable<number>[] | null): number[] | null => value && value.map((d, i) => one(d, `shape[${i}]`));
  switch (setting.kind) {
    case "idx":
      return { kind: "idx", images: one(setting.images, "images"), labels: one(setting.labels, "labels"), shape: shape(setting.shape), classes: optional(setting.classes, "classes") };
    case "csv":
      return {
        kind: "csv",
        path: one(setting.path, "path"),
        label: one(setting.label, "label"),
        features: optional(setting.features, "features"),
        classes: optional(setting.classes, "classes"),
        targets: optional(setting.targets, "targets"),
      };
    case "npy":
      return {
        kind: "npy",
        x: one(setting.x, "x"),
        y: one(setting.y, "y"),
        shape: shape(setting.shape),
        classes: optional(setting.classes, "classes"),
        targets: optional(setting.targets, "targets"),
      };
    case "json":
      return { kind: "json", path: one(setting.path, "path"), shape: shape(setting.shape), classes: optional(setting.classes, "classes"), targets: optional(setting.targets, "targets") };
  }
}
