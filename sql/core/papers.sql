-- core.papers: one row per distinct paper across all pages. The paper's fields come from
-- its entry on the most recent page, by the latest date the page was offered under (ties:
-- smaller content hash, then earlier line), so the result does not depend on the order
-- pages arrived in. One exception: a year-less date resolved after the first date any page
-- listed the paper (an edited page parsed against its own, later date: `Jul 6` listed on
-- 2026-06-01 is 2025-07-06, but on the edit of 2026-09-01 it reads 2026-07-06) takes the
-- date of the paper's earliest listing, so no snapshot lists a paper before it appeared.
-- The ranking reads only narrow columns; the wide ones (title, abstracts) are fetched for
-- the one winning entry per paper, so memory does not grow with the abstracts' size.
with content_dates as (
    -- every date each page content was offered under
    select file_sha256, min(as_of) as first_as_of, max(as_of) as last_as_of
    from meta.observations
    group by file_sha256
),

pages as (
    select file_sha256, source_path, first_as_of, last_as_of
    from staging.pages
    inner join content_dates using (file_sha256)
),

ranked as (
    select
        entries.paper_id,
        entries.file_sha256,
        entries.line_no,
        entries.published_on,
        entries.published_year_inferred,
        pages.first_as_of,
        pages.source_path,
        row_number() over (
            partition by entries.paper_id
            order by pages.last_as_of desc, entries.file_sha256, entries.line_no
        ) as rank_in_paper,
        min(pages.first_as_of) over (partition by entries.paper_id) as first_seen_as_of,
        max(pages.last_as_of) over (partition by entries.paper_id) as last_seen_as_of,
    from staging.entries as entries
    inner join pages using (file_sha256)
),

winners as (
    select * from ranked where rank_in_paper = 1
),

first_listed as (
    -- only for the (rare) papers whose winning date was inferred past their first listing
    select
        ranked.paper_id,
        arg_min(
            ranked.published_on,
            struct_pack(first_as_of := ranked.first_as_of, sha := ranked.file_sha256, line := ranked.line_no)
        ) as first_listed_published_on,
    from ranked
    semi join (
        select paper_id from winners
        where published_year_inferred and published_on > first_seen_as_of
    ) as late using (paper_id)
    group by ranked.paper_id
),

final as (
    select
        entries.paper_id,
        entries.title,
        entries.abstract,
        entries.category,
        coalesce(least(entries.published_on, first_listed.first_listed_published_on), entries.published_on)
            as published_on,
        entries.published_year_inferred,
        entries.has_code,
        entries.code_url,
        entries.authors_truncated,
        entries.abstract_plain,
        winners.first_seen_as_of,
        winners.last_seen_as_of,
        entries.file_sha256 as source_file_sha256,
        winners.source_path,
        entries.line_no as source_line_no,
    from winners
    inner join staging.entries as entries
        on entries.file_sha256 = winners.file_sha256 and entries.line_no = winners.line_no
    left join first_listed on first_listed.paper_id = winners.paper_id
)

select * from final
