//! `cargo xtask build [--release]`: the site build that cargo-leptos does, from the same
//! `[[workspace.metadata.leptos]]` settings, without compiling a large tool first.
//!
//! The browser app and the server are compiled at once (two cargo processes, each with its own
//! lock in the shared target folder), then wasm-split cuts the app at its lazy routes and
//! wasm-bindgen runs as a library at the version the app links, and the prebuilt npm tools in `xtask/node_modules` optimise the WebAssembly
//! (wasm-opt), minify the script (esbuild) and compile the stylesheet (lightningcss).

mod site;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::site::{Profile, Site};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask build [--release] [--verbose]";

fn run(args: Vec<String>) -> Result<()> {
    let Some((command, flags)) = args.split_first() else {
        bail!("{USAGE}");
    };
    if command != "build" {
        bail!("unknown command {command:?}; {USAGE}");
    }
    let mut profile = Profile::Debug;
    let mut verbose = false;
    for flag in flags {
        match flag.as_str() {
            "--release" => profile = Profile::Release,
            "--verbose" => verbose = true,
            other => bail!("unknown option {other:?}; {USAGE}"),
        }
    }
    let site = Site::from_cargo_metadata()?;
    build(&site, profile, verbose)
}

fn build(site: &Site, profile: Profile, verbose: bool) -> Result<()> {
    let started = Instant::now();
    let tools = Tools::find(&site.workspace_root)?;
    let first = !site.server_binary(profile).exists();
    println!("{}", site::announcement(profile, first, available_cores()));

    // Both compiles at once: the WebAssembly's last step (one codegen unit, LTO) uses one core,
    // and the server's many crates keep the other busy. The browser app's files are made as
    // soon as it is compiled, while the server still compiles.
    let pkg = site.pkg_dir();
    let (front, server) = std::thread::scope(|scope| {
        let front = scope.spawn(|| {
            timed(|| {
                cargo(site, &site.front_args(profile), verbose)
                    .context("compiling the browser app")?;
                site_files(site, profile, &tools).context("making the browser app's files")
            })
        });
        let server = scope.spawn(|| {
            timed(|| {
                cargo(site, &site.server_args(profile), verbose).context("compiling the server")
            })
        });
        (join(front), join(server))
    });
    let (front, front_time) = front?;
    front?;
    let (server, server_time) = server?;
    server?;

    println!(
        "Built {} and {} in {} (browser app and its files {}, server {}, at once)",
        relative(&pkg, &site.workspace_root),
        relative(&site.server_binary(profile), &site.workspace_root),
        minutes(started.elapsed()),
        minutes(front_time),
        minutes(server_time),
    );
    Ok(())
}

/// The site's files: the app's script and WebAssembly, cut at its lazy routes (optimised and
/// minified for a release), the stylesheet, and the static assets.
fn site_files(site: &Site, profile: Profile, tools: &Tools) -> Result<()> {
    let pkg = site.pkg_dir();
    std::fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
    // wasm-split, wasm-bindgen and wasm-opt take a minute: the app's files are made again
    // only when the compiled app (or the profile) changed since they were last made.
    let stamp = site.target_dir.join("xtask-site-made-from");
    let source = site::source_stamp(&site.front_wasm(profile), profile)?;
    let wasm = pkg.join(format!("{}.wasm", site.output_name));
    let made = std::fs::read_to_string(&stamp).ok();
    let script = pkg.join(format!("{}.js", site.output_name));
    let uncompressed =
        profile == Profile::Release && !pkg.join(format!("{}.wasm.br", site.output_name)).exists();
    if !wasm.exists() || uncompressed || made.as_deref() != Some(source.as_str()) {
        let chunks = split(site, profile)?;
        bindgen(site, profile)?;
        let mut modules = vec![wasm.clone()];
        modules.extend(chunks);
        if profile == Profile::Release {
            for module in &modules {
                tools.optimise_wasm(module)?;
            }
            tools.minify_script(&script)?;
        }
        let mut files: Vec<&Path> = modules.iter().map(PathBuf::as_path).collect();
        let loader = pkg.join(SPLIT_LOADER);
        files.extend([script.as_path(), loader.as_path()]);
        tools.precompress(profile, &files)?;
        std::fs::write(&stamp, source).with_context(|| format!("writing {}", stamp.display()))?;
    }
    tools.compile_stylesheet(site, profile)?;
    let stylesheet = pkg.join(format!("{}.css", site.output_name));
    tools.precompress(profile, &[&stylesheet])?;
    copy_dir(&site.assets_dir(), &site.site_root())
}

/// The loader wasm-split writes beside the app's script, under the name Leptos looks for.
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";
/// Which modules each lazy route needs, by the name of its split point: `hydrate_on_intent.js`
/// reads it to fetch a page's modules with the app.
const SPLIT_MANIFEST: &str = "__wasm_split_manifest.json";

/// wasm-split cuts the compiled app at its lazy routes (`#[lazy_route]`): a main module for
/// wasm-bindgen, a module per route and chunks that routes share, which the loader
/// (`SPLIT_LOADER`) fetches when a route first needs them, and the manifest of which modules
/// each route needs (`SPLIT_MANIFEST`). Returns the route modules and chunks, written into the
/// site's pkg folder after the previous build's are removed.
fn split(site: &Site, profile: Profile) -> Result<Vec<PathBuf>> {
    let pkg = site.pkg_dir();
    for entry in std::fs::read_dir(&pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("split_")
            || name.starts_with("chunk_")
            || name.starts_with("__wasm_split")
        {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    let input = site.front_wasm(profile);
    let wasm = std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let main = site.front_main_wasm(profile);
    // The loader imports the app's script by this name, the same address the page imports it
    // from (a second address would load a second, uninitialised copy).
    let script = format!("./{}.js", site.output_name);
    let link = format!("./{SPLIT_LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = &pkg;
    options.main_out_path = &main;
    options.main_module = &script;
    options.link_name = &link;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|err| anyhow::anyhow!("wasm-split on {}: {err:#}", input.display()))?;
    let manifest: std::collections::BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    let manifest_path = pkg.join(SPLIT_MANIFEST);
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&manifest)?)
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    Ok(split.split_modules)
}

fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> Result<T> {
    handle
        .join()
        .map_err(|_| anyhow::anyhow!("a build thread panicked"))
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = work();
    (value, started.elapsed())
}

fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn cargo(site: &Site, args: &[String], verbose: bool) -> Result<()> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    let (subcommand, rest) = args.split_first().context("no cargo command")?;
    command.arg(subcommand);
    if !verbose {
        command.arg("--quiet");
    }
    command
        .args(rest)
        .envs(site.leptos_env())
        .current_dir(&site.workspace_root);
    run_command(&mut command)
}

/// wasm-bindgen as the CLI runs it for cargo-leptos (`--target web`) on the split app's main
/// module, into the site's pkg folder, with the WebAssembly named `{output}.wasm` as Leptos'
/// hydration script asks for. The linker's exports stay: the loader gives the route modules
/// the main module's memory and function table through them.
fn bindgen(site: &Site, profile: Profile) -> Result<()> {
    let input = site.front_main_wasm(profile);
    let pkg = site.pkg_dir();
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .keep_lld_exports(true)
        .web(true)?
        .out_name(&site.output_name)
        .typescript(false)
        .omit_default_module_path(false)
        .generate(&pkg)
        .with_context(|| format!("wasm-bindgen on {}", input.display()))?;
    let generated = pkg.join(format!("{}_bg.wasm", site.output_name));
    let wasm = pkg.join(format!("{}.wasm", site.output_name));
    std::fs::rename(&generated, &wasm)
        .with_context(|| format!("renaming {} to {}", generated.display(), wasm.display()))
}

/// The prebuilt tools from npm (`xtask/package.json`), and our scripts for Node beside them.
struct Tools {
    bin: std::path::PathBuf,
    scripts: std::path::PathBuf,
}

impl Tools {
    fn find(workspace_root: &Path) -> Result<Self> {
        let bin = workspace_root.join("xtask/node_modules/.bin");
        for tool in ["wasm-opt", "esbuild", "lightningcss"] {
            if !bin.join(tool).exists() {
                bail!(
                    "{tool} is missing from {}: run `npm ci` in xtask/ (make does it)",
                    bin.display()
                );
            }
        }
        Ok(Self {
            bin,
            scripts: workspace_root.join("xtask"),
        })
    }

    fn optimise_wasm(&self, wasm: &Path) -> Result<()> {
        // -O1, not cargo-leptos's -Oz: on this app it takes 11 s instead of 49 s and its
        // output is 10% larger but 13% smaller gzipped, which is what a browser downloads
        // (2,877 KB raw and 829 KB gzipped, against 2,622 KB and 956 KB).
        let mut command = Command::new(self.bin.join("wasm-opt"));
        command
            .args([
                "-O1",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
            ])
            .arg(wasm)
            .arg("-o")
            .arg(wasm);
        run_command(&mut command)
    }

    /// A release's files compressed once at build time (gzip -9 and brotli 11, beside each
    /// file), which the server sends as they are; a debug build removes them, so a stale copy
    /// is never sent for a file made since.
    fn precompress(&self, profile: Profile, files: &[&Path]) -> Result<()> {
        if profile == Profile::Release {
            let script = self.scripts.join("precompress.mjs");
            let mut command = Command::new("node");
            command.arg(script).args(files);
            return run_command(&mut command);
        }
        for file in files {
            for extension in ["gz", "br"] {
                let copy = file.with_extension(format!(
                    "{}.{extension}",
                    file.extension()
                        .and_then(|e| e.to_str())
                        .unwrap_or_default()
                ));
                match std::fs::remove_file(&copy) {
                    Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                        return Err(err).with_context(|| format!("removing {}", copy.display()))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn minify_script(&self, script: &Path) -> Result<()> {
        let mut command = Command::new(self.bin.join("esbuild"));
        command
            .arg(script)
            .args([
                "--minify",
                "--format=esm",
                "--log-level=warning",
                "--allow-overwrite",
            ])
            .arg(format!("--outfile={}", script.display()));
        run_command(&mut command)
    }

    fn compile_stylesheet(&self, site: &Site, profile: Profile) -> Result<()> {
        let mut command = Command::new(self.bin.join("lightningcss"));
        command
            .arg(site.workspace_root.join(&site.style_file))
            .arg(format!("--targets={}", site.browserquery))
            .arg("-o")
            .arg(site.pkg_dir().join(format!("{}.css", site.output_name)));
        if profile == Profile::Release {
            command.arg("--minify");
        }
        run_command(&mut command)
    }
}

fn run_command(command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command
        .status()
        .with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!("{program} failed ({status})");
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn minutes(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds < 60 {
        format!("{:.1} s", duration.as_secs_f64())
    } else {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    }
}
