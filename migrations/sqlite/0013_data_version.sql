-- The data version: a counter that every change to what public answers are made of moves on.
-- The server keeps rendered public answers in memory while it stands still (see
-- server/src/http/caching.rs). It counts in the database, not in the process, so that writers
-- in other processes (`releasedesk sync` beside `serve`) move it too, and it moves in the same
-- transaction as the change, so no reader sees new data under an old version. Sessions, roles,
-- tokens and GitHub's HTTP cache are not public and leave it alone.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 1);

CREATE TRIGGER repositories_insert_moves_data_version AFTER INSERT ON repositories BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER repositories_update_moves_data_version AFTER UPDATE ON repositories BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER repositories_delete_moves_data_version AFTER DELETE ON repositories BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER versions_insert_moves_data_version AFTER INSERT ON versions BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER versions_update_moves_data_version AFTER UPDATE ON versions BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER versions_delete_moves_data_version AFTER DELETE ON versions BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER tags_insert_moves_data_version AFTER INSERT ON tags BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER tags_update_moves_data_version AFTER UPDATE ON tags BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER tags_delete_moves_data_version AFTER DELETE ON tags BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER releases_insert_moves_data_version AFTER INSERT ON releases BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER releases_update_moves_data_version AFTER UPDATE ON releases BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER releases_delete_moves_data_version AFTER DELETE ON releases BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER sync_runs_insert_moves_data_version AFTER INSERT ON sync_runs BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER sync_runs_update_moves_data_version AFTER UPDATE ON sync_runs BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER sync_runs_delete_moves_data_version AFTER DELETE ON sync_runs BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER withdrawals_insert_moves_data_version AFTER INSERT ON withdrawals BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER withdrawals_update_moves_data_version AFTER UPDATE ON withdrawals BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER withdrawals_delete_moves_data_version AFTER DELETE ON withdrawals BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER changelogs_insert_moves_data_version AFTER INSERT ON changelogs BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER changelogs_update_moves_data_version AFTER UPDATE ON changelogs BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER changelogs_delete_moves_data_version AFTER DELETE ON changelogs BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER release_assets_insert_moves_data_version AFTER INSERT ON release_assets BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER release_assets_update_moves_data_version AFTER UPDATE ON release_assets BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER release_assets_delete_moves_data_version AFTER DELETE ON release_assets BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER checklist_templates_insert_moves_data_version AFTER INSERT ON checklist_templates BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklist_templates_update_moves_data_version AFTER UPDATE ON checklist_templates BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklist_templates_delete_moves_data_version AFTER DELETE ON checklist_templates BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER checklists_insert_moves_data_version AFTER INSERT ON checklists BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklists_update_moves_data_version AFTER UPDATE ON checklists BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklists_delete_moves_data_version AFTER DELETE ON checklists BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER checklist_items_insert_moves_data_version AFTER INSERT ON checklist_items BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklist_items_update_moves_data_version AFTER UPDATE ON checklist_items BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklist_items_delete_moves_data_version AFTER DELETE ON checklist_items BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER checklist_changes_insert_moves_data_version AFTER INSERT ON checklist_changes BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklist_changes_update_moves_data_version AFTER UPDATE ON checklist_changes BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER checklist_changes_delete_moves_data_version AFTER DELETE ON checklist_changes BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER incidents_insert_moves_data_version AFTER INSERT ON incidents BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER incidents_update_moves_data_version AFTER UPDATE ON incidents BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER incidents_delete_moves_data_version AFTER DELETE ON incidents BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER incident_updates_insert_moves_data_version AFTER INSERT ON incident_updates BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER incident_updates_update_moves_data_version AFTER UPDATE ON incident_updates BEGIN
    UPDATE data_version SET version = version + 1;
END;
CREATE TRIGGER incident_updates_delete_moves_data_version AFTER DELETE ON incident_updates BEGIN
    UPDATE data_version SET version = version + 1;
END;
