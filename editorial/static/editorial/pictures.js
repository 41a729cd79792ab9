// Pictures in the article body's editor (issue 15, point 2): a button opens the picture library
// (articles/library.py) and places the chosen or newly uploaded picture; a placed picture shows as the picture.
// The body stores it as a paragraph holding its `[[image:ID]]` marker, which the reader's page turns into the
// figure with its credit (articles/templatetags/reader.py), so the server's rules for markers apply unchanged.
// Loaded as an extension module by django-prose-editor (editorial/newsroom/rich_text.py): no inline script.
import { Node } from "django-prose-editor/editor"
import { element, insertBlock, modalDialog } from "./editor-blocks.js"

const MARKER = /^\s*\[\[image:(\d{1,12})\]\]\s*$/
// What the editor knows of each picture, by id: a promise of the library's facts, or of `{ missing: true }`.
// Only answers are kept: a failure (signed out, offline, a server error) is asked again next time.
const known = new Map()
const SIGNED_OUT = "Your sign-in has ended: sign in again in another tab, then try again."

function factsOf(libraryUrl, id) {
  if (!known.has(id)) {
    const answer = fetch(`${libraryUrl}${id}/`, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (response.status === 404) return { missing: true }
        if (response.redirected) return { unavailable: SIGNED_OUT } // the admin sent us to its sign-in page
        if (!response.ok) return { unavailable: `The library answered with error ${response.status}.` }
        return response.json()
      })
      .catch(() => ({ unavailable: "The library could not be reached." }))
      .then((facts) => {
        if (facts.unavailable) known.delete(id)
        return facts
      })
    known.set(id, answer)
  }
  return known.get(id)
}

function showPicture(figure, facts, id) {
  const [img, caption] = [figure.querySelector("img"), figure.querySelector("figcaption")]
  if (facts.missing) {
    figure.classList.add("is-missing")
    img.hidden = true
    caption.textContent = `Picture ${id} is not in the library. Remove it (select it and press Delete) and place another.`
  } else if (facts.unavailable) {
    img.hidden = true
    caption.textContent = `Picture ${id} cannot be shown here just now. ${facts.unavailable} It stays in the text.`
  } else if (facts.removed) {
    figure.classList.add("is-missing")
    img.hidden = true
    caption.textContent = `Picture ${id} (${facts.alt}) was removed after a copyright complaint; readers do not see it.`
  } else {
    img.src = facts.thumbnail
    img.alt = facts.alt
    img.hidden = false
    caption.textContent = facts.credit ? `${facts.alt} (${facts.credit})` : facts.alt
  }
}

function openLibrary(editor, libraryUrl) {
  const close = element("button", { type: "button", className: "button", textContent: "Close" })
  const dialog = modalDialog(editor, { id: "picture-library-title", title: "Place a picture" }, [
    element("p", { textContent: "Loading the picture library…" }),
  ])
  dialog.querySelector(".editor-dialog__header").append(close)
  const body = dialog.querySelector(".editor-dialog__body")

  const failed = (why) => {
    body.replaceChildren(element("p", { className: "errornote", textContent: why }))
  }
  // Our own server-rendered, escaped fragment; nothing once the dialog is closed (a late answer places nothing).
  const show = async (response, focus) => {
    const html = await response.text()
    if (!dialog.open) return false
    body.innerHTML = html
    body.querySelector(focus)?.focus() // the fragment replaced what had the focus
    return true
  }
  const load = (url, focus = "#picture-library-q") =>
    fetch(url, { credentials: "same-origin" })
      .then((response) => {
        if (response.redirected) failed(SIGNED_OUT)
        else if (!response.ok) failed(`The library did not open (error ${response.status}).`)
        else show(response, focus)
      })
      .catch(() => failed("The library could not be reached. Check the connection and try again."))

  const place = (choice) => {
    const id = Number(choice.dataset.pictureId)
    const { thumbnail, alt, credit } = choice.dataset
    known.set(id, Promise.resolve({ id, thumbnail, alt, credit, removed: false }))
    dialog.close()
    insertBlock(editor, { type: "mastheadPicture", attrs: { id } })
  }

  const upload = async (form) => {
    const button = form.querySelector("button[type=submit]")
    button.disabled = true
    button.textContent = "Uploading…"
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      if (response.redirected) {
        failed(`The picture was not uploaded. ${SIGNED_OUT}`)
        return
      }
      if (response.status !== 201 && response.status !== 400) {
        failed(`The picture was not uploaded (error ${response.status}). Try again, or upload it under Images.`)
        return
      }
      if (!(await show(response, ".picture-library__upload .errornote"))) return
      const uploaded = body.querySelector("[data-uploaded] .picture-library__choice")
      if (uploaded) place(uploaded)
    } catch {
      failed("The picture could not be sent. Check the connection and try again.")
    }
  }

  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("click", (event) => {
    const choice = event.target.closest(".picture-library__choice")
    const pageLink = event.target.closest("a.picture-library__page")
    if (choice) place(choice)
    else if (pageLink) {
      event.preventDefault()
      load(pageLink.href, ".picture-library__choice")
    }
  })
  dialog.addEventListener("submit", (event) => {
    const form = event.target
    event.preventDefault()
    if (form.method === "post") upload(form)
    else load(`${form.action}?${new URLSearchParams(new FormData(form))}`)
  })
  dialog.showModal()
  load(libraryUrl)
}

export const MastheadPicture = Node.create({
  name: "mastheadPicture",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { libraryUrl: "" }
  },

  addAttributes() {
    return { id: { default: null, rendered: false } }
  },

  parseHTML() {
    return [
      {
        tag: "p",
        priority: 60, // before the plain paragraph: only a paragraph holding nothing but a marker is a picture
        getAttrs: (paragraph) => {
          const match = paragraph.children.length === 0 && MARKER.exec(paragraph.textContent)
          return match ? { id: Number(match[1]) } : false
        },
      },
    ]
  },

  renderHTML({ node }) {
    return ["p", {}, `[[image:${node.attrs.id}]]`]
  },

  addNodeView() {
    return ({ node }) => {
      const id = node.attrs.id
      const figure = element("figure", { className: "masthead-picture", contentEditable: "false" }, [
        element("img", { alt: "", hidden: true }),
        element("figcaption", { textContent: `Picture ${id}` }),
      ])
      figure.dataset.pictureId = id
      factsOf(this.options.libraryUrl, id).then((facts) => showPicture(figure, facts, id))
      return { dom: figure }
    }
  },

  addCommands() {
    return {
      openPictureLibrary:
        () =>
        ({ editor }) => {
          openLibrary(editor, this.options.libraryUrl)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "mastheadPicture",
      groups: "nodes",
      command: (editor) => editor.commands.openPictureLibrary(),
      button: buttons.material("add_photo_alternate", "Place a picture from the library"),
    })
  },
})
