-- core.profile_snapshots: one row per researcher per as_of date. A page content counts for
-- every date it was offered under (meta.observations): the same text fetched again on a
-- later day is that researcher's snapshot of that day too. When several page contents
-- describe the same researcher on the same date, one still held by its path wins over one
-- its path has since replaced (a correction), then the one listing more papers, then the
-- smaller content hash, so the choice never depends on run order.
with pages as (
    select * from staging.pages where researcher_id is not null
),

observed as (
    -- the date each content was parsed with, and every date it was offered under since
    select file_sha256, as_of, source_path as path, true as is_current from staging.pages
    union all
    select
        observations.file_sha256,
        observations.as_of,
        observations.path,
        coalesce(files.is_current, false) as is_current,
    from meta.observations as observations
    left join meta.source_files as files
        on files.file_sha256 = observations.file_sha256 and files.path = observations.path
),

dates as (
    select file_sha256, as_of, bool_or(is_current) as is_current, min(path) as path,
    from observed
    group by file_sha256, as_of
),

ranked as (
    select
        pages.*,
        dates.as_of as snapshot_as_of,
        dates.path as observed_path,
        row_number() over (
            partition by pages.researcher_id, dates.as_of
            order by dates.is_current desc, pages.listed_papers desc, pages.file_sha256
        ) as rank_in_snapshot,
    from pages
    inner join dates using (file_sha256)
),

final as (
    select
        researcher_id,
        snapshot_as_of as as_of,
        h_index,
        paper_count,
        citations,
        novelty_pct,
        ai_score,
        listed_papers,
        stated_listed_papers,
        file_sha256 as source_file_sha256,
        -- the page's own path on the date it was parsed with, else the path offered that day
        case when snapshot_as_of = as_of then source_path else observed_path end as source_path,
        header_line as source_line_no,
    from ranked
    where rank_in_snapshot = 1
)

select * from final
