-- meta.source_files holds every file ever offered, loaded or not: a file that could not
-- be read at all (permission denied, a named pipe, a link to nothing, gone before it was
-- read) is a row too, with status 'failed', its reason and no content hash. So
-- file_sha256 may be null, and a (path, content) pair is kept unique by the loader, not by
-- a primary key (a key cannot hold a null). The table is rebuilt with the same columns.
create table meta.source_files_v5 (
    file_sha256 varchar,                  -- null: the file could not be read
    path varchar not null,
    size_bytes bigint,
    first_seen_at timestamptz not null,
    last_run_id varchar not null,
    layout varchar,                       -- full | compact | compact+full | null (no entries)
    status varchar not null,              -- loaded | skipped | failed
    reason varchar,                       -- why a failed file did not load
    is_current boolean not null,          -- this is the path's latest content
    as_of date,                           -- the snapshot date its year-less dates resolved against
    n_lines bigint,
    n_separator_lines bigint,
    n_loaded_lines bigint,
    n_quarantined_lines bigint,
    modified_ns bigint,
    changed_ns bigint
);

insert into meta.source_files_v5 by name select * from meta.source_files;

drop table meta.source_files;

alter table meta.source_files_v5 rename to source_files;
