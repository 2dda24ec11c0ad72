-- core.profile_papers: one row per paper on a researcher's page per as_of date, with the
-- page's position (entry number in page order) and score.
with snapshots as (
    select * from core.profile_snapshots
),

entries as (
    select * from staging.entries
),

final as (
    select
        snapshots.researcher_id,
        entries.paper_id,
        snapshots.as_of,
        entries.entry_no as position,
        entries.score,
        entries.file_sha256 as source_file_sha256,
        snapshots.source_path,
        entries.line_no as source_line_no,
    from snapshots
    inner join entries on entries.file_sha256 = snapshots.source_file_sha256
)

select * from final
