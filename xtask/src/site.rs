//! What to build and where, read from `[[workspace.metadata.leptos]]` in Cargo.toml: the same
//! settings cargo-leptos reads, so `cargo leptos watch` keeps working for those who have it.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

/// The build's settings, in cargo-leptos's names.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Site {
    #[serde(skip)]
    pub workspace_root: PathBuf,
    #[serde(skip)]
    pub target_dir: PathBuf,
    pub output_name: String,
    pub bin_package: String,
    pub lib_package: String,
    pub site_root: String,
    pub site_pkg_dir: String,
    pub style_file: String,
    pub assets_dir: String,
    pub site_addr: String,
    pub reload_port: u16,
    pub browserquery: String,
    #[serde(default)]
    pub bin_default_features: bool,
    #[serde(default)]
    pub bin_features: Vec<String>,
    #[serde(default)]
    pub lib_default_features: bool,
    #[serde(default)]
    pub lib_features: Vec<String>,
    pub lib_profile_release: Option<String>,
}

#[derive(Deserialize)]
struct CargoMetadata {
    workspace_root: PathBuf,
    target_directory: PathBuf,
    metadata: Option<WorkspaceMetadata>,
}

#[derive(Deserialize)]
struct WorkspaceMetadata {
    leptos: Vec<Site>,
}

impl Site {
    /// Asks cargo, so the target folder is the one cargo uses (CARGO_TARGET_DIR included).
    pub fn from_cargo_metadata() -> Result<Self> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .args(["metadata", "--format-version=1", "--no-deps", "--locked"])
            .output()
            .context("starting cargo metadata")?;
        if !output.status.success() {
            bail!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Self::from_metadata_json(&output.stdout)
    }

    pub fn from_metadata_json(json: &[u8]) -> Result<Self> {
        let metadata: CargoMetadata =
            serde_json::from_slice(json).context("reading cargo metadata")?;
        let Some(mut sites) = metadata.metadata.map(|m| m.leptos) else {
            bail!("Cargo.toml has no [[workspace.metadata.leptos]]");
        };
        if sites.len() != 1 {
            bail!(
                "Cargo.toml has {} [[workspace.metadata.leptos]] entries; the build knows one",
                sites.len()
            );
        }
        let mut site = sites.remove(0);
        site.workspace_root = metadata.workspace_root;
        site.target_dir = metadata.target_directory;
        Ok(site)
    }

    fn front_profile(&self, profile: Profile) -> &str {
        match profile {
            Profile::Debug => "dev",
            Profile::Release => self.lib_profile_release.as_deref().unwrap_or("release"),
        }
    }

    /// `cargo` arguments for the browser app, as cargo-leptos gives them for a split build:
    /// the linker keeps its relocations (`--emit-relocs`), which wasm-split needs to cut the
    /// app at its lazy routes. Only the app's own link gets the flag (`cargo rustc`), so the
    /// compiled dependencies stay valid.
    pub fn front_args(&self, profile: Profile) -> Vec<String> {
        let mut args = vec![
            "rustc".to_string(),
            "--locked".to_string(),
            format!("--package={}", self.lib_package),
            "--lib".to_string(),
            "--target=wasm32-unknown-unknown".to_string(),
            format!("--profile={}", self.front_profile(profile)),
        ];
        if !self.lib_default_features {
            args.push("--no-default-features".to_string());
        }
        if !self.lib_features.is_empty() {
            args.push(format!("--features={}", self.lib_features.join(",")));
        }
        args.extend(["--".to_string(), "-Clink-args=--emit-relocs".to_string()]);
        args
    }

    /// `cargo` arguments for the server binary.
    pub fn server_args(&self, profile: Profile) -> Vec<String> {
        let mut args = vec![
            "build".to_string(),
            "--locked".to_string(),
            format!("--package={}", self.bin_package),
            format!("--bin={}", self.bin_package),
            format!(
                "--profile={}",
                match profile {
                    Profile::Debug => "dev",
                    Profile::Release => "release",
                }
            ),
        ];
        if !self.bin_default_features {
            args.push("--no-default-features".to_string());
        }
        if !self.bin_features.is_empty() {
            args.push(format!("--features={}", self.bin_features.join(",")));
        }
        args
    }

    /// What cargo-leptos sets for both compiles. Leptos reads some at compile time: without
    /// `LEPTOS_OUTPUT_NAME` the server's pages would ask for `{name}_bg.wasm`.
    pub fn leptos_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("LEPTOS_OUTPUT_NAME", self.output_name.clone()),
            ("LEPTOS_SITE_ROOT", self.site_root.clone()),
            ("LEPTOS_SITE_PKG_DIR", self.site_pkg_dir.clone()),
            ("LEPTOS_SITE_ADDR", self.site_addr.clone()),
            ("LEPTOS_RELOAD_PORT", self.reload_port.to_string()),
            ("LEPTOS_HASH_FILES", "false".to_string()),
        ]
    }

    pub fn front_wasm(&self, profile: Profile) -> PathBuf {
        self.target_dir
            .join("wasm32-unknown-unknown")
            .join(match profile {
                Profile::Debug => "debug",
                Profile::Release => self.front_profile(profile),
            })
            .join(format!("{}.wasm", self.lib_package.replace('-', "_")))
    }

    /// Where wasm-split writes the app's main module, beside the compiled app (never over it,
    /// so that splitting again starts from what the linker wrote).
    pub fn front_main_wasm(&self, profile: Profile) -> PathBuf {
        self.front_wasm(profile)
            .with_file_name(format!("{}_main.wasm", self.lib_package.replace('-', "_")))
    }

    pub fn server_binary(&self, profile: Profile) -> PathBuf {
        self.target_dir
            .join(match profile {
                Profile::Debug => "debug",
                Profile::Release => "release",
            })
            .join(&self.bin_package)
    }

    pub fn site_root(&self) -> PathBuf {
        self.workspace_root.join(&self.site_root)
    }

    pub fn pkg_dir(&self) -> PathBuf {
        self.site_root().join(&self.site_pkg_dir)
    }

    pub fn assets_dir(&self) -> PathBuf {
        self.workspace_root.join(&self.assets_dir)
    }
}

/// What the site's app files were made from: the compiled app's size and modification time,
/// and the profile. Cargo rewrites the file whenever it compiles the app again.
pub fn source_stamp(wasm: &std::path::Path, profile: Profile) -> Result<String> {
    let metadata =
        std::fs::metadata(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let modified = metadata
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Ok(format!(
        "{profile:?} {} {}.{:09}\n",
        metadata.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

/// The one line a build starts with: what it does and about how long it takes. A first
/// release build compiles every dependency twice (server and browser), measured at about
/// eleven minutes on two cores (scripts/fresh-machine-times.sh); later builds compile what
/// changed.
pub fn announcement(profile: Profile, first: bool, cores: usize) -> String {
    let what = match profile {
        Profile::Debug => "Building Release Desk (debug: the browser app and the server)",
        Profile::Release => "Building Release Desk (release: the browser app and the server)",
    };
    if !first {
        return format!("{what}: compiling what changed, usually under half a minute");
    }
    let two_core_minutes: usize = match profile {
        Profile::Debug => 4,
        Profile::Release => 11,
    };
    let minutes = (two_core_minutes * 2).div_ceil(cores.max(1)).max(1);
    format!(
        "{what}: the first build compiles every dependency, about {minutes} minutes on {cores} \
         cores; later builds take seconds"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(leptos: &str) -> Vec<u8> {
        format!(
            r#"{{"workspace_root":"/w","target_directory":"/t","metadata":{{"leptos":{leptos}}}}}"#
        )
        .into_bytes()
    }

    const OURS: &str = r#"[{
        "name": "releasedesk", "output-name": "releasedesk", "bin-package": "releasedesk",
        "lib-package": "app", "site-root": "target/site", "site-pkg-dir": "pkg",
        "style-file": "style/main.css", "assets-dir": "public", "site-addr": "127.0.0.1:3000",
        "reload-port": 3001, "browserquery": "defaults", "bin-default-features": false,
        "lib-features": ["hydrate"], "lib-default-features": false,
        "lib-profile-release": "wasm-release"
    }]"#;

    #[test]
    fn the_settings_come_from_the_workspace_metadata() -> Result<()> {
        let site = Site::from_metadata_json(&metadata(OURS))?;
        assert_eq!(site.output_name, "releasedesk");
        assert_eq!(site.pkg_dir(), PathBuf::from("/w/target/site/pkg"));
        assert_eq!(
            site.front_wasm(Profile::Release),
            PathBuf::from("/t/wasm32-unknown-unknown/wasm-release/app.wasm")
        );
        assert_eq!(
            site.front_wasm(Profile::Debug),
            PathBuf::from("/t/wasm32-unknown-unknown/debug/app.wasm")
        );
        assert_eq!(
            site.server_binary(Profile::Release),
            PathBuf::from("/t/release/releasedesk")
        );
        Ok(())
    }

    #[test]
    fn the_browser_app_is_the_library_for_the_browser_with_its_features() -> Result<()> {
        let site = Site::from_metadata_json(&metadata(OURS))?;
        assert_eq!(
            site.front_args(Profile::Release),
            [
                "rustc",
                "--locked",
                "--package=app",
                "--lib",
                "--target=wasm32-unknown-unknown",
                "--profile=wasm-release",
                "--no-default-features",
                "--features=hydrate",
                "--",
                "-Clink-args=--emit-relocs",
            ]
        );
        assert!(site
            .front_args(Profile::Debug)
            .contains(&"--profile=dev".to_string()));
        Ok(())
    }

    #[test]
    fn the_server_is_the_binary_without_default_features() -> Result<()> {
        let site = Site::from_metadata_json(&metadata(OURS))?;
        assert_eq!(
            site.server_args(Profile::Release),
            [
                "build",
                "--locked",
                "--package=releasedesk",
                "--bin=releasedesk",
                "--profile=release",
                "--no-default-features",
            ]
        );
        Ok(())
    }

    #[test]
    fn both_compiles_are_told_the_output_name() -> Result<()> {
        let site = Site::from_metadata_json(&metadata(OURS))?;
        let env = site.leptos_env();
        assert!(env.contains(&("LEPTOS_OUTPUT_NAME", "releasedesk".to_string())));
        assert!(env.contains(&("LEPTOS_SITE_PKG_DIR", "pkg".to_string())));
        Ok(())
    }

    #[test]
    fn a_workspace_without_or_with_several_sites_is_refused_plainly() {
        let none = br#"{"workspace_root":"/w","target_directory":"/t","metadata":null}"#;
        let err = Site::from_metadata_json(none).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("Cargo.toml has no [[workspace.metadata.leptos]]")
        );
        let two = OURS.replace("}]", "}, ") + &OURS[1..];
        let err = Site::from_metadata_json(&metadata(&two))
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("has 2")));
    }

    #[test]
    fn the_stamp_changes_when_the_compiled_app_or_the_profile_does() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("xtask-stamp-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let wasm = dir.join("app.wasm");
        std::fs::write(&wasm, b"one")?;
        let first = source_stamp(&wasm, Profile::Release)?;
        assert_eq!(first, source_stamp(&wasm, Profile::Release)?);
        assert_ne!(first, source_stamp(&wasm, Profile::Debug)?);
        std::fs::write(&wasm, b"other")?;
        assert_ne!(first, source_stamp(&wasm, Profile::Release)?);
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }

    #[test]
    fn the_first_build_says_how_long_it_takes_for_the_cores_there_are() {
        let two = announcement(Profile::Release, true, 2);
        assert!(two.contains("about 11 minutes on 2 cores"), "{two}");
        let eight = announcement(Profile::Release, true, 8);
        assert!(eight.contains("about 3 minutes on 8 cores"), "{eight}");
        let later = announcement(Profile::Release, false, 2);
        assert!(later.contains("what changed"), "{later}");
    }
}
