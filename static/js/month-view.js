// The month view on the request form (templates/libraries/_month_view.html): a free day
// chosen there fills the form's first and last day instead of opening the form anew. The
// first choice sets the first day; a later day within the visit's five days sets the last.
// Choosing another library in the form shows that library's month view.
(() => {
  const MAX_DAYS = 5;
  const form = () => document.querySelector("form[data-month-view-form]");

  const fieldValue = (input, iso, local) => (input.type === "date" ? iso : local);

  const daysBetween = (first, last) =>
    Math.round((Date.parse(last) - Date.parse(first)) / 86400000) + 1;

  const say = (view, text) => {
    const status = view.querySelector("[data-month-view-status]");
    if (status) {
      status.textContent = text;
    }
  };

  const mark = (view, first, last) => {
    for (const cell of view.querySelectorAll("td[data-day]")) {
      const day = cell.dataset.day;
      const chosen = first && day >= first && day <= (last || first);
      cell.classList.toggle("day--chosen", Boolean(chosen));
      const link = cell.querySelector("a");
      if (link) {
        if (chosen) {
          link.setAttribute("aria-current", "date");
        } else {
          link.removeAttribute("aria-current");
        }
      }
    }
  };

  let first = null;
  let firstLocal = "";

  const choose = (view, link) => {
    const target = form();
    if (!target) {
      return false;
    }
    const firstInput = target.querySelector("[name=first_day]");
    const lastInput = target.querySelector("[name=last_day]");
    const day = link.dataset.day;
    const local = link.dataset.local;
    if (first && day >= first && daysBetween(first, day) <= MAX_DAYS && lastInput.dataset.open === "1") {
      lastInput.value = fieldValue(lastInput, day, local);
      lastInput.dataset.open = "0";
      mark(view, first, day);
      say(view, view.dataset.chosenRange.replace("{first}", firstLocal).replace("{last}", local));
    } else {
      first = day;
      firstLocal = local;
      firstInput.value = fieldValue(firstInput, day, local);
      lastInput.value = fieldValue(lastInput, day, local);
      lastInput.dataset.open = "1";
      mark(view, day, day);
      say(view, view.dataset.chosenFirst.replace("{day}", local));
    }
    return true;
  };

  const wire = (view) => {
    view.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-day]");
      if (link && choose(view, link)) {
        event.preventDefault();
      }
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    const view = document.querySelector(".month-view[data-pick]");
    if (view && form()) {
      wire(view);
    }
    const target = form();
    const select = target && target.querySelector("[name=host_library]");
    const holder = document.querySelector("[data-month-view-url]");
    if (!select || !holder) {
      return;
    }
    select.addEventListener("change", async () => {
      first = null;
      const url = new URL(holder.dataset.monthViewUrl, window.location.href);
      url.searchParams.set("library", select.value);
      try {
        const response = await fetch(url, { headers: { Accept: "text/html" } });
        holder.innerHTML = response.ok ? await response.text() : "";
      } catch {
        return;
      }
      const fresh = holder.querySelector(".month-view[data-pick]");
      if (fresh) {
        wire(fresh);
      }
    });
  });
})();
