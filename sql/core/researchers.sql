-- core.researchers: one row per researcher (page owner), from their latest page: the page
-- offered under the latest date (meta.observations counts a page offered again unchanged),
-- and among pages of that date the one core.profile_snapshots picks (more papers listed,
-- then the smaller content hash), so a researcher's category and their latest metrics
-- always come from one page. Lineage: the first path (by name) that offered it that day.
-- The name is the one a header gave (the latest such page), if any page gave one: a name
-- inferred from author lists is only a fallback.
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
            order by dates.as_of desc, listed_papers desc, file_sha256
        ) as rank_in_researcher,
        row_number() over (
            partition by researcher_id
            order by name_inferred, dates.as_of desc, listed_papers desc, file_sha256
        ) as rank_for_name,
    from pages
    inner join dates using (file_sha256)
),

names as (
    select researcher_id, name, name_inferred from ranked where rank_for_name = 1
),

final as (
    select
        researcher_id,
        names.name,
        names.name_inferred,
        primary_category,
        latest_as_of,
        file_sha256 as source_file_sha256,
        observed_path as source_path,
        header_line as source_line_no,
    from ranked
    inner join names using (researcher_id)
    where rank_in_researcher = 1
)

select * from final
