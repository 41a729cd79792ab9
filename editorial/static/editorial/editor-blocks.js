// What the editor's picture and embed blocks share (editorial/static/editorial/pictures.js, embeds.js):
// building elements, a modal dialog, and where a new block goes.

export function element(tag, properties = {}, children = []) {
  const node = Object.assign(document.createElement(tag), properties)
  node.append(...children)
  return node
}

// A modal <dialog> named by its heading, removed once closed, which hands the focus back to the editor.
export function modalDialog(editor, { id, title }, content = []) {
  const dialog = element("dialog", { className: "editor-dialog" }, [
    element("div", { className: "editor-dialog__header" }, [element("h2", { id, textContent: title })]),
    element("div", { className: "editor-dialog__body" }, content),
  ])
  dialog.setAttribute("aria-labelledby", id)
  dialog.addEventListener("close", () => {
    dialog.remove()
    editor.commands.focus() // back where the writer was, whether anything was placed or not
  })
  document.body.append(dialog)
  return dialog
}

// A new block (a picture, an embed) is one of the body's own, never inside a list, table or quotation: it
// takes the place of the empty paragraph the cursor is in, else goes after the block holding the selection
// (after a block just placed and still selected, so the next never replaces it). The cursor then waits in an
// empty paragraph after it (a new one unless one follows already): a block left selected would be replaced
// by the next key the writer types. Empty paragraphs left unused are dropped on save (rich_text.py).
export function insertBlock(editor, block) {
  const { $from, $to, empty, to } = editor.state.selection
  const inEmptyParagraph =
    empty && $from.depth === 1 && $from.parent.type.name === "paragraph" && $from.parent.content.size === 0
  let range
  if (inEmptyParagraph) range = { from: $from.before(1), to: $from.after(1) }
  else range = $to.depth >= 1 ? $to.after(1) : to // a selected block's end, when the selection is the block
  const at = typeof range === "number" ? range : range.from
  editor.chain().focus().insertContentAt(range, block).run()
  const after = at + (editor.state.doc.nodeAt(at)?.nodeSize ?? 0)
  const next = editor.state.doc.nodeAt(after)
  const chain = editor.chain().focus()
  if (!(next?.type.name === "paragraph" && next.content.size === 0)) chain.insertContentAt(after, { type: "paragraph" })
  chain.setTextSelection(after + 1).run()
}
