-- core.researchers: one row per researcher (page owner), from their latest page: the page
-- offered under the latest date (meta.observations counts a page offered again unchanged).
-- A page whose name came from its header wins over one whose name was inferred.
with pages as (
    select * from staging.pages where researcher_id is not null
),

latest_dates as (
    select file_sha256, max(as_of) as as_of
    from meta.observations
    group by file_sha256
),

ranked as (
    select
        researcher_id,
        name,
        name_inferred,
        primary_category,
        latest_dates.as_of,
        file_sha256,
        source_path,
        header_line,
        max(latest_dates.as_of) over (partition by researcher_id) as latest_as_of,
        row_number() over (
            partition by researcher_id
            order by name_inferred, latest_dates.as_of desc, file_sha256
        ) as rank_in_researcher,
    from pages
    inner join latest_dates using (file_sha256)
),

final as (
    select
        researcher_id,
        name,
        name_inferred,
        primary_category,
        latest_as_of,
        file_sha256 as source_file_sha256,
        source_path,
        header_line as source_line_no,
    from ranked
    where rank_in_researcher = 1
)

select * from final
