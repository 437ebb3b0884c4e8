// Hydrates the server-rendered page once a person shows intent to use it. The app's script and
// WebAssembly are fetched when the page has loaded (so they never compete with what it shows)
// and compiled off the main thread; they run only on the first pointer, touch, key or focus.
// Every page works without them, so a visit that only reads never pays for hydration.
((glue, wasm) => {
  let fetched;
  const fetchApp = () =>
    (fetched ??= Promise.all([import(glue), WebAssembly.compileStreaming(fetch(wasm))]));
  const intents = ["pointerover", "pointerdown", "touchstart", "keydown", "focusin"];
  const hydrate = () => {
    for (const intent of intents) removeEventListener(intent, hydrate, true);
    fetchApp().then(async ([app, module]) => {
      await app.default({ module_or_path: module });
      app.hydrate();
    });
  };
  for (const intent of intents) addEventListener(intent, hydrate, { capture: true, passive: true });
  const whenIdle = window.requestIdleCallback ?? ((run) => setTimeout(run, 1));
  if (document.readyState === "complete") whenIdle(fetchApp);
  else addEventListener("load", () => whenIdle(fetchApp), { once: true });
})
