// Embeds in the article body's editor (issue 15, point 2): an address from an allowed provider (YouTube,
// Vimeo, X, Weibo, Bilibili), pasted on its own or given to the embed button, becomes a card in the editor.
// The body stores it as a paragraph holding just the link; the reader's page turns that into a link card or a
// click-to-load player (articles/embeds.py, the one judge of what may be embedded; its patterns come in the
// extension's options). Nothing from the provider loads in the editor.
import { Node, Plugin } from "django-prose-editor/editor"
import { element, insertBlock, modalDialog } from "./editor-blocks.js"

const LINK_REL = "noopener noreferrer"
const TEXT_NODE = 3 // the DOM's Node.TEXT_NODE (`Node` here is Tiptap's)

const compiled = new Map() // each provider's pattern, compiled once

function providerOf(providers, url) {
  const matches = ({ pattern }) => {
    if (!compiled.has(pattern)) compiled.set(pattern, new RegExp(pattern))
    return compiled.get(pattern).test(url)
  }
  return providers.find(matches)?.provider ?? null
}

// The address a paragraph of the body's own holds and nothing else (not in a list, table or quotation, as
// on the reader's page): a link whose text is its own address, or the bare address.
function paragraphAddress(paragraph) {
  if (paragraph.closest("li, td, th, blockquote")) return null
  const nodes = [...paragraph.childNodes].filter((n) => n.nodeType !== TEXT_NODE || n.textContent.trim())
  if (nodes.length !== 1) return null
  const [only] = nodes
  if (only.nodeType === TEXT_NODE) return only.textContent.trim()
  if (only.nodeName === "A" && only.textContent.trim() === only.getAttribute("href")) return only.getAttribute("href")
  return null
}

function insertEmbed(editor, url) {
  insertBlock(editor, { type: "mastheadEmbed", attrs: { url } })
}

function askForAddress(editor, providers) {
  const names = providers.map((p) => p.provider).join(", ")
  const input = element("input", { type: "url", id: "masthead-embed-url", required: true, autocomplete: "off" })
  input.setAttribute("aria-describedby", "masthead-embed-help")
  const problem = element("p", { className: "errornote", hidden: true })
  problem.setAttribute("role", "alert")
  const cancel = element("button", { type: "button", className: "button", textContent: "Cancel" })
  const form = element("form", { method: "dialog", className: "masthead-embed-form" }, [
    element("label", { htmlFor: "masthead-embed-url", textContent: "Address of the video or post" }),
    input,
    element("p", {
      id: "masthead-embed-help",
      className: "help",
      textContent: `A single video or post from ${names}. Readers see a card; a video plays only when they press play. To link to anything else, select words and use the link button.`,
    }),
    problem,
    element("div", { className: "masthead-embed-form__buttons" }, [
      element("button", { type: "submit", className: "button default", textContent: "Embed" }),
      cancel,
    ]),
  ])
  const dialog = modalDialog(
    editor,
    { id: "masthead-embed-title", title: "Embed a video or post" },
    [form],
  )
  form.addEventListener("submit", (event) => {
    const url = input.value.trim()
    if (!providerOf(providers, url)) {
      event.preventDefault()
      problem.textContent = `This address cannot be embedded. Give the address of a single video or post from ${names}.`
      problem.hidden = false
      input.setAttribute("aria-invalid", "true")
      input.focus()
      return
    }
    insertEmbed(editor, url)
  })
  cancel.addEventListener("click", () => dialog.close())
  dialog.showModal()
}

export const MastheadEmbed = Node.create({
  name: "mastheadEmbed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  priority: 1000, // its paste handler runs before the link extension turns the address into a link

  addOptions() {
    return { providers: [] }
  },

  addAttributes() {
    return { url: { default: null, rendered: false } }
  },

  parseHTML() {
    return [
      {
        tag: "p",
        priority: 60, // before the plain paragraph
        getAttrs: (paragraph) => {
          const url = paragraphAddress(paragraph)
          return url && providerOf(this.options.providers, url) ? { url } : false
        },
      },
    ]
  },

  renderHTML({ node }) {
    return ["p", {}, ["a", { href: node.attrs.url, rel: LINK_REL }, node.attrs.url]]
  },

  addNodeView() {
    return ({ node }) => {
      const provider = providerOf(this.options.providers, node.attrs.url) ?? "Embed"
      const card = element("div", { className: "masthead-embed", contentEditable: "false" }, [
        element("strong", { textContent: `${provider} embed` }),
        element("span", { className: "masthead-embed__url", textContent: node.attrs.url }),
        element("span", {
          className: "masthead-embed__note",
          textContent: "Readers see a card with a link; nothing from the provider loads until they choose to play it.",
        }),
      ])
      return { dom: card }
    }
  },

  addCommands() {
    return {
      embedAddress:
        () =>
        ({ editor }) => {
          askForAddress(editor, this.options.providers)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "mastheadEmbed",
      groups: "nodes",
      command: (editor) => editor.commands.embedAddress(),
      button: buttons.material("smart_display", "Embed a video or post"),
    })
  },

  addProseMirrorPlugins() {
    const { editor, options } = this
    return [
      new Plugin({
        props: {
          // An address pasted on a line of its own becomes an embed; pasted into a sentence, it stays a link.
          handlePaste: (view, event) => {
            const text = event.clipboardData?.getData("text/plain")?.trim() ?? ""
            const { $from, empty } = view.state.selection
            const ownLine =
              empty && $from.depth === 1 && $from.parent.type.name === "paragraph" && $from.parent.content.size === 0
            if (!text || /\s/.test(text) || !providerOf(options.providers, text)) return false
            if (ownLine) insertEmbed(editor, text)
            else {
              // Inserted as linked text ourselves: ProseMirror would wrap plain text in a paragraph, which
              // the embed's own parse rule would then read as an embed.
              const link = { type: "link", attrs: { href: text } }
              editor.chain().focus().insertContent({ type: "text", text, marks: [link] }).run()
            }
            return true
          },
        },
      }),
    ]
  },
})
