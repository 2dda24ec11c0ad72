-- core.researchers: one row per researcher (page owner), from their latest page: the page
-- offered under the latest date (meta.observations counts a page offered again unchanged).
-- A page whose name came from its header wins over one whose name was inferred; among
-- pages of the same date, the one core.profile_snapshots picks for that date (more papers
-- listed, then the smaller content hash), so a researcher's category and their latest
-- metrics always come from one page. Lineage: the first path (by name) of that date.
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
        researcher_id,
        name,
        name_inferred,
        primary_category,
        dates.as_of,
        file_sha256,
        dates.path as observed_path,
        header_line,
        max(dates.as_of) over (partition by researcher_id) as latest_as_of,
        row_number() over (
            partition by researcher_id
            order by name_inferred, dates.as_of desc, listed_papers desc, file_sha256
        ) as rank_in_researcher,
    from pages
    inner join dates using (file_sha256)
),

final as (
    select
        researcher_id,
        name,
        name_inferred,
        primary_category,
        latest_as_of,
        file_sha256 as source_file_sha256,
        observed_path as source_path,
        header_line as source_line_no,
    from ranked
    where rank_in_researcher = 1
)

select * from final
