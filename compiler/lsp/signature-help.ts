/**
 * Signature help inside a call: the layer's, block's or constructor's parameters with their defaults,
 * the one being written highlighted (by name after `name:`, else by position).
 */
import type { SignatureHelp } from "vscode-languageserver";
import { paramLabel, signatureLabel, typeLabel } from "./describe.js";
import { siteAt } from "./completion.js";
import { resolveFrames } from "./signatures.js";
import type { Analysis } from "./workspace.js";

export function signatureHelp(analysis: Analysis, offset: number): SignatureHelp | null {
  const site = siteAt(analysis, offset);
  const { signature, call, param: active } = resolveFrames(site.frames, analysis.result.program.scopes.get(analysis.path));
  if (!signature || !call || site.frames[site.frames.length - 1] !== call) return null;
  return {
    signatures: [
      {
        label: signatureLabel(signature),
        documentation: signature.doc || undefined,
        parameters: signature.params.map((p) => ({ label: paramLabel(p), documentation: `${typeLabel(p.type)}${p.doc ? ` — ${p.doc}` : ""}` })),
      },
    ],
    activeSignature: 0,
    activeParameter: active ? signature.params.indexOf(active) : signature.params.length,
  };
}
