// Page-wide behaviour: highlight the current tab and start the modules a page asks
// for with data-module="name" (each lives in ./<name>.js and exports init(element)).

function markCurrentTab() {
  const path = window.location.pathname;
  let best = null;
  for (const link of document.querySelectorAll(".tabbar a")) {
    const href = link.getAttribute("href");
    const matches = href === "/" ? path === "/" : path.startsWith(href);
    if (matches && (!best || href.length > best.getAttribute("href").length)) {
      best = link;
    }
  }
  if (best) best.setAttribute("aria-current", "page");
}

async function startModules(root) {
  for (const element of root.querySelectorAll("[data-module]")) {
    if (element.dataset.moduleStarted) continue;
    element.dataset.moduleStarted = "1";
    const name = element.dataset.module;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) continue;
    try {
      const module = await import(`./${name}.js`);
      module.init(element);
    } catch (error) {
      console.error(`groupbuy: module ${name} failed to start`, error);
    }
  }
}

markCurrentTab();
startModules(document);
document.addEventListener("htmx:load", (event) => startModules(event.target));
