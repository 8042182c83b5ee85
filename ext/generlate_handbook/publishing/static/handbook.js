// The handbook's own accessibility fixes on top of pydata-sphinx-theme (README: Accessibility).
// Each one only adds what is missing, so a theme that gets it right is left alone.
(() => {
  "use strict";

  // Text of an element without its "#" permalink.
  const textWithoutHeaderlink = (element) => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((link) => link.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  // 1. A table wider than the screen scrolls inside its container. The container must then be
  //    reachable by keyboard (to scroll it with the arrow keys) and be named when it is reached:
  //    a focusable region labelled by the table's caption. Recomputed whenever its size changes,
  //    which also covers a table in a tab that was hidden when the page loaded.
  const updateScrollable = (container) => {
    const table = container.querySelector("table");
    const scrollable = container.scrollWidth > container.clientWidth + 1;
    if (scrollable) {
      const caption = table && table.caption ? textWithoutHeaderlink(table.caption) : "";
      container.tabIndex = 0;
      container.setAttribute("role", "region");
      container.setAttribute("aria-label", caption ? `${caption} (scrolls sideways)` : "Table (scrolls sideways)");
    } else if (container.getAttribute("role") === "region") {
      container.removeAttribute("role");
      container.removeAttribute("aria-label");
      container.tabIndex = -1;
    }
  };
  const watchTables = () => {
    const containers = document.querySelectorAll(".pst-scrollable-table-container");
    if (!("ResizeObserver" in window)) {
      containers.forEach(updateScrollable);
      return;
    }
    const observer = new ResizeObserver((entries) => {
      entries.forEach((entry) => {
        const container = entry.target.closest(".pst-scrollable-table-container");
        if (container) updateScrollable(container);
      });
    });
    containers.forEach((container) => {
      observer.observe(container);
      const table = container.querySelector("table");
      if (table) observer.observe(table);
    });
  };

  // 2. The search button's visible text ("Search", then its keyboard shortcut) must be part of
  //    its accessible name (WCAG 2.5.3, label in name); the theme's aria-label="Search" is not.
  //    The name becomes all of its text, which stays the name when a narrow screen hides it.
  const fixSearchButtons = () => {
    document.querySelectorAll("button.search-button-field[aria-label]").forEach((button) => {
      const text = button.textContent.replace(/\s+/g, " ").trim();
      const label = button.getAttribute("aria-label");
      if (text && !text.toLowerCase().includes(label.toLowerCase().trim())) return;
      if (text) button.setAttribute("aria-label", text);
      button.setAttribute("aria-keyshortcuts", "Control+K Meta+K");
    });
  };

  // 3. A collapse toggle in the navigation (a <summary> holding only an icon) needs a name.
  const nameNavigationToggles = () => {
    document.querySelectorAll("nav details > summary").forEach((summary) => {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      const item = summary.closest("li");
      const link = item ? item.querySelector(":scope > a") : null;
      const name = link ? textWithoutHeaderlink(link) : "";
      summary.setAttribute("aria-label", name ? `Pages in ${name}` : "More pages");
    });
  };

  const run = () => {
    fixSearchButtons();
    nameNavigationToggles();
    watchTables();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
