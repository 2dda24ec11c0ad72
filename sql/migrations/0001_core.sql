-- 0001_core: the warehouse's schemas and tables.
-- Layers: raw (text as received) -> staging (parsed pages, one row per page/entry/author
-- as each page listed it) -> core (clean, deduplicated: the public contract) ->
-- analytics (views). quarantine holds what could not load; meta records runs and files.
-- Migrations are never edited once shipped: a change is a new numbered file.

create schema if not exists meta;
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists core;
create schema if not exists quarantine;
create schema if not exists ref;
create schema if not exists analytics;

-- One row per pipeline run.
create table meta.runs (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,              -- running | completed | failed
    as_of date,                           -- the --as-of given, null when taken from file dates
    n_files_offered integer,
    n_files_loaded integer,
    n_files_skipped integer,              -- unchanged content, already in the warehouse
    n_files_failed integer,               -- unreadable, not UTF-8, empty
    n_pages integer,
    n_entries_loaded integer,
    n_records_quarantined integer,
    n_researchers integer,                -- core.researchers after the run
    n_papers integer,
    n_authors integer,
    n_pages_without_owner integer,
    message varchar
);

-- One row per file content offered under a path (a path whose content changes gets a new row).
create table meta.source_files (
    file_sha256 varchar not null,
    path varchar not null,
    size_bytes bigint,
    first_seen_at timestamptz not null,
    last_run_id varchar not null,
    layout varchar,                       -- full | compact | compact+full | null (no entries)
    status varchar not null,              -- loaded | failed
    reason varchar,                       -- why a failed file did not load
    is_current boolean not null,          -- this is the path's latest content
    as_of date,                           -- the snapshot date its year-less dates resolved against
    n_lines bigint,
    n_separator_lines bigint,
    n_loaded_lines bigint,
    n_quarantined_lines bigint,
    primary key (file_sha256, path)
);

-- The exact text of every loaded page, so the warehouse can be rebuilt from itself.
create table raw.documents (
    file_sha256 varchar primary key,
    content varchar not null
);

-- Parsed pages, one row per page content that is current for some path.
create table staging.pages (
    file_sha256 varchar not null,
    source_path varchar not null,
    as_of date not null,
    researcher_id varchar,
    name varchar,
    name_inferred boolean,
    primary_category varchar,
    h_index bigint,
    paper_count bigint,
    citations bigint,
    novelty_pct double,
    ai_score double,
    listed_papers bigint,
    stated_listed_papers bigint,
    layout varchar,
    header_line bigint
);

-- One row per loaded entry, as its page listed it.
create table staging.entries (
    file_sha256 varchar not null,
    line_no bigint not null,
    n_lines bigint not null,
    entry_no bigint not null,
    paper_id varchar not null,
    title varchar not null,
    abstract varchar not null,
    abstract_plain varchar,
    category varchar not null,
    published_on date not null,
    published_year_inferred boolean not null,
    has_code boolean not null,
    code_url varchar,
    authors_truncated boolean not null,
    score double,
    layout varchar not null
);

-- One row per author of a loaded entry (the page owner included, position null when hidden).
create table staging.entry_authors (
    file_sha256 varchar not null,
    entry_line_no bigint not null,
    paper_id varchar not null,
    author_id varchar not null,
    name varchar not null,
    position integer
);

-- Known arXiv categories behind the site's codes.
create table ref.arxiv_categories (
    code varchar primary key,
    arxiv_id varchar not null,
    name varchar not null
);

create table core.researchers (
    researcher_id varchar not null,
    name varchar not null,
    name_inferred boolean not null,
    primary_category varchar,
    latest_as_of date,
    source_file_sha256 varchar,
    source_path varchar,
    source_line_no bigint
);

create table core.profile_snapshots (
    researcher_id varchar not null,
    as_of date not null,
    h_index bigint,
    paper_count bigint,
    citations bigint,
    novelty_pct double,
    ai_score double,
    listed_papers bigint,
    stated_listed_papers bigint,
    source_file_sha256 varchar,
    source_path varchar,
    source_line_no bigint
);

create table core.papers (
    paper_id varchar not null,
    title varchar not null,
    abstract varchar not null,
    category varchar not null,
    published_on date not null,
    published_year_inferred boolean not null,
    has_code boolean not null,
    code_url varchar,
    authors_truncated boolean not null,
    abstract_plain varchar,
    first_seen_as_of date,
    last_seen_as_of date,
    source_file_sha256 varchar,
    source_path varchar,
    source_line_no bigint
);

create table core.authors (
    author_id varchar not null,
    name varchar not null
);

create table core.paper_authors (
    paper_id varchar not null,
    author_id varchar not null,
    position integer,
    source_file_sha256 varchar,
    source_path varchar,
    source_line_no bigint
);

create table core.profile_papers (
    researcher_id varchar not null,
    paper_id varchar not null,
    as_of date not null,
    position bigint not null,
    score double,
    source_file_sha256 varchar,
    source_path varchar,
    source_line_no bigint
);

create table core.categories (
    code varchar not null,
    arxiv_id varchar,
    name varchar
);

-- Every record that could not be loaded, with the reason.
create table quarantine.records (
    run_id varchar not null,
    source_path varchar not null,
    line_no bigint,                       -- first line of the record; null for whole-file problems
    reason varchar not null,
    raw_text varchar,
    file_sha256 varchar,
    n_lines bigint not null,              -- lines of the file this record covers
    stage varchar not null                -- read | parse | validate
);
