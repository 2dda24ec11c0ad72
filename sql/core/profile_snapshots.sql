-- core.profile_snapshots: one row per researcher per as_of date. A page content counts for
-- every (path, date) it was offered under (meta.observations, one content per path and
-- date): the same text fetched again on a later day is that researcher's snapshot of that
-- day too. When several page contents describe the same researcher on the same date, the
-- one listing more papers wins (ties: the smaller content hash), so the choice never
-- depends on run order. Lineage: the first path (by name) that offered it that day.
with pages as (
    select * from staging.pages where researcher_id is not null
),

dates as (
    select file_sha256, as_of, min(path) as path,
    from meta.observations
    group by file_sha256, as_of
),

ranked as (
    select
        pages.*,
        dates.as_of as snapshot_as_of,
        dates.path as observed_path,
        row_number() over (
            partition by pages.researcher_id, dates.as_of
            order by pages.listed_papers desc, pages.file_sha256
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
        observed_path as source_path,
        header_line as source_line_no,
    from ranked
    where rank_in_snapshot = 1
)

select * from final
