-- Drives Neovim's own LSP client (nobody here wrote it) against `nnc lsp --stdio`, headless, and
-- writes what it saw as JSON to $NNC_OUT. Run by test/editor/neovim.test.ts:
--   nvim --headless -u NONE -c "luafile drive.lua" FILE.nn
-- $NNC_SERVER is the server command, words separated by spaces.
local out = {}
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)
local cmd = vim.split(vim.env.NNC_SERVER, " ", { trimempty = true })
local client_id = vim.lsp.start_client({ name = "nnc", cmd = cmd, root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(buf, client_id)
local client = vim.lsp.get_client_by_id(client_id)

local function request(method, params)
  local answers = vim.lsp.buf_request_sync(buf, method, params, 15000)
  local answer = answers and answers[client_id]
  return answer and answer.result
end
local function text() return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") end
local function at(line, character) return { textDocument = { uri = uri }, position = { line = line, character = character } } end

vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
out.diagnostics = vim.tbl_map(function(d) return { code = d.code, message = d.message, line = d.lnum, column = d.col } end, vim.diagnostic.get(buf))

local pos = vim.json and vim.json.decode(vim.env.NNC_POSITIONS) or vim.fn.json_decode(vim.env.NNC_POSITIONS)
local hover = request("textDocument/hover", at(pos.hover[1], pos.hover[2]))
out.hover = hover and (type(hover.contents) == "table" and (hover.contents.value or vim.fn.json_encode(hover.contents)) or hover.contents)
local definition = request("textDocument/definition", at(pos.definition[1], pos.definition[2]))
if definition and definition[1] then definition = definition[1] end
out.definition = definition and definition.range and definition.range.start

-- The quick fix for the first diagnostic, applied to the buffer as the user's <leader>ca would.
local first = vim.diagnostic.get(buf)[1]
local actions = request("textDocument/codeAction", {
  textDocument = { uri = uri },
  range = { start = { line = first.lnum, character = first.col }, ["end"] = { line = first.end_lnum, character = first.end_col } },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, first.lnum) },
})
out.actions = vim.tbl_map(function(a) return a.title end, actions or {})
if actions and actions[1] and actions[1].edit then vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding) end
out.afterFix = text()

local rename = request("textDocument/rename", { textDocument = { uri = uri }, position = { line = pos.rename[1], character = pos.rename[2] }, newName = pos.newName })
if rename then vim.lsp.util.apply_workspace_edit(rename, client.offset_encoding) end
out.afterRename = text()

local edits = request("textDocument/formatting", { textDocument = { uri = uri }, options = { tabSize = 2, insertSpaces = true } })
if edits then vim.lsp.util.apply_text_edits(edits, buf, client.offset_encoding) end
out.afterFormat = text()

local file = io.open(vim.env.NNC_OUT, "w")
file:write(vim.fn.json_encode(out))
file:close()
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
