// Start the modules a page asks for with data-module="name" (each lives in
// ./<name>.js and exports init(element)). Every module is fetched at once and
// then started in the page's order: awaiting each import before asking for the
// next cost a deal page one network round trip a module, 2 s each on a slow 3G
// phone, before its countdown and live progress came to life.

const NAME = /^[a-z][a-z0-9-]*$/;

function importModule(name) {
  return import(`./${name}.js`);
}

export async function startModules(root, load = importModule) {
  const started = [];
  for (const element of root.querySelectorAll("[data-module]")) {
    if (element.dataset.moduleStarted) continue;
    element.dataset.moduleStarted = "1";
    const name = element.dataset.module;
    if (!NAME.test(name)) continue;
    // caught here, reported below in the page's order
    const loading = load(name).then(
      (module) => ({ module }),
      (error) => ({ error }),
    );
    started.push({ element, name, loading });
  }
  for (const { element, name, loading } of started) {
    const { module, error } = await loading;
    try {
      if (error) throw error;
      module.init(element);
    } catch (failure) {
      console.error(`groupbuy: module ${name} failed to start`, failure);
    }
  }
}
