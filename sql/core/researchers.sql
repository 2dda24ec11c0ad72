-- core.researchers: one row per researcher (page owner), from their latest page.
-- A page whose name came from its header wins over one whose name was inferred.
with pages as (
    select * from staging.pages where researcher_id is not null
),

ranked as (
    select
        researcher_id,
        name,
        name_inferred,
        primary_category,
        as_of,
        file_sha256,
        source_path,
        header_line,
        max(as_of) over (partition by researcher_id) as latest_as_of,
        row_number() over (
            partition by researcher_id
            order by name_inferred, as_of desc, file_sha256
        ) as rank_in_researcher,
    from pages
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
