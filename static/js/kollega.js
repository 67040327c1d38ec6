// Error summaries (templates/includes/form_errors.html): the summary takes the focus when
// the page opens, so that a screen reader reads it first, and each of its links moves the
// focus into the field it names.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  for (const link of summary.querySelectorAll("a[href^='#']")) {
    link.addEventListener("click", (event) => {
      const field = document.getElementById(link.hash.slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }
});
