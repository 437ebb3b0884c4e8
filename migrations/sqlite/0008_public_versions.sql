-- Whether anyone may see a tag: it has a live git tag, or a live published (not draft)
-- release. Kept by the triggers below, whatever writes tags or releases, so that listing and
-- counting read one indexed column instead of joining both tables row by row.
ALTER TABLE versions ADD COLUMN public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1));

-- The release a version leads to: the padded major.minor.patch that begins its precedence
-- key (app::domain::version::precedence_key), shared by a release and its pre-releases.
ALTER TABLE versions ADD COLUMN train TEXT GENERATED ALWAYS AS (substr(precedence, 1, 62)) VIRTUAL;

-- The one definition of "public"; the triggers copy it into the column.
CREATE VIEW version_visibility AS
SELECT v.id,
       EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id AND t.deleted_at IS NULL)
       OR EXISTS (SELECT 1 FROM releases r
                  WHERE r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0) AS public
FROM versions v;

UPDATE versions SET public = (SELECT public FROM version_visibility WHERE id = versions.id);

CREATE TRIGGER tags_keep_public_after_insert AFTER INSERT ON tags BEGIN
    UPDATE versions SET public = (SELECT public FROM version_visibility WHERE id = NEW.version_id)
    WHERE id = NEW.version_id;
END;
CREATE TRIGGER tags_keep_public_after_update AFTER UPDATE ON tags BEGIN
    UPDATE versions SET public = (SELECT public FROM version_visibility WHERE id = NEW.version_id)
    WHERE id = NEW.version_id;
END;
CREATE TRIGGER tags_keep_public_after_delete AFTER DELETE ON tags BEGIN
    UPDATE versions SET public = (SELECT public FROM version_visibility WHERE id = OLD.version_id)
    WHERE id = OLD.version_id;
END;
CREATE TRIGGER releases_keep_public_after_insert AFTER INSERT ON releases BEGIN
    UPDATE versions SET public = (SELECT public FROM version_visibility WHERE id = NEW.version_id)
    WHERE id = NEW.version_id;
END;
CREATE TRIGGER releases_keep_public_after_update AFTER UPDATE ON releases BEGIN
    UPDATE versions SET public = (SELECT public FROM version_visibility WHERE id = NEW.version_id)
    WHERE id = NEW.version_id;
END;
CREATE TRIGGER releases_keep_public_after_delete AFTER DELETE ON releases BEGIN
    UPDATE versions SET public = (SELECT public FROM version_visibility WHERE id = OLD.version_id)
    WHERE id = OLD.version_id;
END;

-- Covers the history's counts and paging: trains in order, with channel and line at hand.
CREATE INDEX versions_public ON versions (repository_id, public, train, precedence, channel, line);
