-- core.papers: one row per distinct paper across all pages. The paper's fields come from
-- its entry on the most recent page (ties: smaller content hash, then earlier line), so
-- the result does not depend on the order pages arrived in.
with entries as (
    select * from staging.entries
),

pages as (
    select file_sha256, source_path, as_of from staging.pages
),

listed as (
    select
        entries.*,
        pages.as_of,
        pages.source_path,
        row_number() over (
            partition by entries.paper_id
            order by pages.as_of desc, entries.file_sha256, entries.line_no
        ) as rank_in_paper,
        min(pages.as_of) over (partition by entries.paper_id) as first_seen_as_of,
        max(pages.as_of) over (partition by entries.paper_id) as last_seen_as_of,
    from entries
    inner join pages using (file_sha256)
),

final as (
    select
        paper_id,
        title,
        abstract,
        category,
        published_on,
        published_year_inferred,
        has_code,
        code_url,
        authors_truncated,
        abstract_plain,
        first_seen_as_of,
        last_seen_as_of,
        file_sha256 as source_file_sha256,
        source_path,
        line_no as source_line_no,
    from listed
    where rank_in_paper = 1
)

select * from final
