-- 0003_observations: meta.observations, one row per (content, path, as_of date) a run was
-- offered. A page offered again unchanged under a new snapshot date (a scraper that
-- fetched the same text the next day, or `--as-of` given anew for an untouched file) is
-- not parsed again, but it is an observation of that researcher on that date:
-- core.profile_snapshots gets a row for it. Year-less dates keep resolving against the
-- date the content was parsed with (meta.source_files.as_of).
create table meta.observations (
    file_sha256 varchar not null,
    path varchar not null,
    as_of date not null,
    first_run_id varchar not null,        -- the run that first offered it
    primary key (file_sha256, path, as_of)
);

-- Every content already loaded was observed under the path and date it was loaded with.
insert into meta.observations
select distinct file_sha256, path, as_of, last_run_id
from meta.source_files
where as_of is not null;
