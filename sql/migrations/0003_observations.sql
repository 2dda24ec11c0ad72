-- 0003_observations: meta.observations, one row per (path, as_of date) a page was offered
-- under, with the content the path held that day. A page offered again unchanged under a
-- new snapshot date (a scraper that fetched the same text the next day, or `--as-of`
-- given anew for an untouched file) is not parsed again, but it is an observation of that
-- researcher on that date: core.profile_snapshots gets a row for it. A path holds one
-- content per date: a later content for the same (path, date) is a correction and takes
-- the row over. Year-less dates keep resolving against the date the content was parsed
-- with (meta.source_files.as_of).
create table meta.observations (
    file_sha256 varchar not null,
    path varchar not null,
    as_of date not null,
    first_run_id varchar not null,        -- the run that offered this content for this date
    primary key (file_sha256, path, as_of)
);

-- Every content already loaded was observed under the path and date it was loaded with;
-- where a path held several contents for one date, its current (else latest) one.
insert into meta.observations
select file_sha256, path, as_of, last_run_id
from meta.source_files
where as_of is not null
qualify row_number() over (
    partition by path, as_of order by is_current desc, first_seen_at desc, file_sha256
) = 1;
