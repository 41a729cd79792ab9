// The article body's editor under our CSP and for screen readers (editorial/newsroom/rich_text.py).
// Loaded by django-prose-editor's "configurable" preset as an extension module (a static file, no inline script).
import { Extension } from "django-prose-editor/editor"

export const MastheadEditor = Extension.create({
  name: "mastheadEditor",

  onBeforeCreate() {
    // Tiptap would add its base styles as an inline <style>, which the CSP blocks; editorial/prose-editor.css has them.
    this.editor.options.injectCSS = false
  },

  onCreate() {
    // The editable area stands in for the textarea: give it the field's label and help text.
    const textarea = this.editor.options.element.closest(".prose-editor")?.querySelector("textarea")
    const area = this.editor.view.dom
    if (!textarea) return
    const label = document.querySelector(`label[for="${textarea.id}"]`)
    if (label) {
      label.id ||= `${textarea.id}_label`
      area.setAttribute("aria-labelledby", label.id)
      // A click on the label goes to the text a person edits, not to the hidden textarea.
      label.addEventListener("click", (event) => {
        event.preventDefault()
        this.editor.commands.focus()
      })
    }
    const help = textarea.getAttribute("aria-describedby")
    if (help) area.setAttribute("aria-describedby", help)
    area.setAttribute("aria-multiline", "true")

    // The toolbar greys out what cannot be used just now (undo with nothing to undo, a link with no text
    // selected) with a class only: say so to screen readers too, as the toolbar is built and as it changes.
    const wrapper = this.editor.options.element
    const sync = () => {
      for (const button of wrapper.querySelectorAll(".prose-menubar__button")) {
        const disabled = button.classList.contains("disabled") && !button.classList.contains("active")
        if (button.getAttribute("aria-disabled") !== String(disabled)) button.setAttribute("aria-disabled", String(disabled))
      }
    }
    new MutationObserver(sync).observe(wrapper, { subtree: true, childList: true, attributeFilter: ["class"] })
    sync()
  },
})
