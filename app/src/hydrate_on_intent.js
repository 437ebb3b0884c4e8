// Hydrates the server-rendered page once a person shows intent to use it. The app's script and
// WebAssembly are fetched when the page has loaded (so they never compete with what it shows)
// and compiled off the main thread; they run only on the first pointer, touch, key or focus.
// Every page works without them, so a visit that only reads never pays for hydration.
((glue, wasm) => {
  let fetched;
  // The modules of the page's lazy route, which hydration loads (the build's manifest lists
  // them by route), fetched with the app into the browser's cache, where the app finds them.
  const pkg = wasm.slice(0, wasm.lastIndexOf("/"));
  const fetchLazyModules = async () => {
    const route = document.querySelector("[data-lazy-route]")?.dataset.lazyRoute;
    if (!route) return;
    const manifest = await (await fetch(`${pkg}/__wasm_split_manifest.json`)).json();
    const [, modules = []] =
      Object.entries(manifest).find(([name]) => name.startsWith(`${route}_`)) ?? [];
    await Promise.all(modules.map((name) => fetch(`${pkg}/${name}.wasm`).then((a) => a.arrayBuffer())));
  };
  // A failed fetch is forgotten, so the next intent tries again.
  const fetchApp = () =>
    (fetched ??= Promise.all([
      import(glue),
      WebAssembly.compileStreaming(fetch(wasm)),
      // Only a head start: should it fail, hydration fetches them itself.
      fetchLazyModules().catch(() => {}),
    ]).catch((failure) => {
      fetched = undefined;
      throw failure;
    }));
  const intents = ["pointerover", "pointerdown", "touchstart", "keydown", "focusin"];
  const listen = () => {
    for (const intent of intents) addEventListener(intent, hydrate, { capture: true, passive: true });
  };
  const hydrate = () => {
    for (const intent of intents) removeEventListener(intent, hydrate, true);
    // What a person types while the app loads and hydrates, field by field: hydration sets each
    // field to the value the server rendered, so it is put back afterwards.
    const typed = new Map(typedSoFar());
    const note = ({ target }) => {
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
        typed.set(target, target.value);
      }
    };
    addEventListener("input", note, true);
    const stopNoting = () => removeEventListener("input", note, true);
    fetchApp().then(
      async ([app, module]) => {
        await app.default({ module_or_path: module });
        // Kept once the module of the page's own route has loaded and the page has hydrated.
        await app.hydrate();
        stopNoting();
        replay(typed);
      },
      // The network failed: the page still works without the app.
      () => {
        stopNoting();
        listen();
      },
    );
  };
  // Put back what was typed, and announce it, so the app answers it as if typed just now.
  const fields = () => document.querySelectorAll("input, textarea");
  const typedSoFar = () =>
    [...fields()].filter((f) => f.value !== f.defaultValue).map((f) => [f, f.value]);
  const replay = (typed) => {
    for (const [field, value] of typed) {
      if (!field.isConnected) continue;
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  };
  listen();
  const whenIdle = window.requestIdleCallback ?? ((run) => setTimeout(run, 1));
  const prefetch = () => fetchApp().catch(() => {});
  if (document.readyState === "complete") whenIdle(prefetch);
  else addEventListener("load", () => whenIdle(prefetch), { once: true });
})
