-- core.paper_authors: one row per author of a paper. Positions are those of the entry that
-- core.papers took its fields from; the owner of any page listing the paper is an author
-- too, with a null position when that entry does not list them (hidden in `et al.`).
with papers as (
    select * from core.papers
),

entry_authors as (
    select * from staging.entry_authors
),

candidates as (
    select
        entry_authors.paper_id,
        entry_authors.author_id,
        entry_authors.position,
        entry_authors.file_sha256,
        entry_authors.entry_line_no,
        (
            entry_authors.file_sha256 = papers.source_file_sha256
            and entry_authors.entry_line_no = papers.source_line_no
        ) as is_from_source_entry,
        entry_authors.author_id is not distinct from owners.researcher_id as is_page_owner,
    from entry_authors
    inner join papers using (paper_id)
    left join staging.pages as owners using (file_sha256)
),

kept as (
    select
        *,
        row_number() over (
            partition by paper_id, author_id
            order by is_from_source_entry desc, position nulls last, file_sha256, entry_line_no
        ) as rank_in_author,
    from candidates
    where is_from_source_entry or is_page_owner
),

final as (
    select
        kept.paper_id,
        kept.author_id,
        case when kept.is_from_source_entry then kept.position end as position,
        kept.file_sha256 as source_file_sha256,
        pages.source_path,
        kept.entry_line_no as source_line_no,
    from kept
    inner join staging.pages as pages using (file_sha256)
    where kept.rank_in_author = 1
)

select * from final
