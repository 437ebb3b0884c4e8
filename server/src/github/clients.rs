//! Which client reaches GitHub for a repository: the personal token's, or one per installation
//! of the GitHub App once one is set up (each with its own rate limit, as GitHub counts them).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
};

use app::store::github_app::Reach;
use url::Url;

use super::{
    app::SharedApp, octocrab_client::Credentials, Fetcher, FetcherSettings, OctocrabGitHub,
};

pub type Client = Arc<Fetcher<OctocrabGitHub>>;

pub struct GitHubClients {
    api_url: Url,
    settings: FetcherSettings,
    personal: Client,
    app: RwLock<Option<SharedApp>>,
    installations: Mutex<HashMap<i64, Client>>,
}

impl GitHubClients {
    pub fn new(api_url: &Url, personal: Client, settings: FetcherSettings) -> GitHubClients {
        GitHubClients {
            api_url: api_url.clone(),
            settings,
            personal,
            app: RwLock::default(),
            installations: Mutex::default(),
        }
    }

    /// Clients for a configured API: the personal token's, and the App's when one is set up.
    pub fn for_api(
        api: &crate::config::GitHubApi,
        app: Option<SharedApp>,
    ) -> Result<GitHubClients, String> {
        let settings = FetcherSettings::default();
        let github = OctocrabGitHub::new(&api.url, api.token.as_ref().map(|t| t.expose()))?;
        let clients = GitHubClients::new(
            &api.url,
            Arc::new(Fetcher::new(github, settings.clone())),
            settings,
        );
        clients.set_app(app);
        Ok(clients)
    }

    /// Acts as this App from now on (a set-up replaces it); its installations get new clients.
    pub fn set_app(&self, app: Option<SharedApp>) {
        *self.app.write().unwrap_or_else(|e| e.into_inner()) = app;
        self.installations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub fn app(&self) -> Option<SharedApp> {
        self.app.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The client for a repository reached so; `None` when it is not synced any more. A
    /// repository of an installation while no App is set up (the secret key changed, say) falls
    /// back to the personal token.
    pub fn for_reach(&self, reach: Reach) -> Result<Option<Client>, String> {
        let id = match reach {
            Reach::Stopped => return Ok(None),
            Reach::Token => return Ok(Some(self.personal.clone())),
            Reach::Installation(id) => id,
        };
        let Some(app) = self.app() else {
            tracing::warn!(
                installation = id,
                "no GitHub App is set up: using the personal token"
            );
            return Ok(Some(self.personal.clone()));
        };
        let mut installations = self.installations.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = installations.get(&id) {
            return Ok(Some(client.clone()));
        }
        let github =
            OctocrabGitHub::with_credentials(&self.api_url, Credentials::Installation { app, id })?;
        let client = Arc::new(Fetcher::new(github, self.settings.clone()));
        installations.insert(id, client.clone());
        Ok(Some(client))
    }

    /// The client for a tracked repository; `None` when it is not synced any more.
    pub fn for_repository(
        &self,
        repository: &app::store::repositories::Repository,
    ) -> Result<Option<Client>, String> {
        self.for_reach(repository.reach())
    }
}
