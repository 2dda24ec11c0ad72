-- core.profile_snapshots: one row per researcher per as_of date. When two different
-- page contents describe the same researcher on the same date, the one listing more
-- papers wins (ties: the smaller content hash), so the choice never depends on run order.
with pages as (
    select * from staging.pages where researcher_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by researcher_id, as_of
            order by listed_papers desc, file_sha256
        ) as rank_in_snapshot,
    from pages
),

final as (
    select
        researcher_id,
        as_of,
        h_index,
        paper_count,
        citations,
        novelty_pct,
        ai_score,
        listed_papers,
        stated_listed_papers,
        file_sha256 as source_file_sha256,
        source_path,
        header_line as source_line_no,
    from ranked
    where rank_in_snapshot = 1
)

select * from final
