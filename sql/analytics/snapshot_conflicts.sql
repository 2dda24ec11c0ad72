-- analytics.snapshot_conflicts: one row per researcher and date that more than one page
-- content describes: namesakes (two people whose pages share an owner name, and so a
-- researcher_id) or fragments of one profile saved as separate files. A snapshot is one
-- page: core.profile_snapshots and core.profile_papers keep the page listing the most
-- papers, so the papers of the other pages are in core.papers but not in that date's
-- listing (`n_papers_not_in_snapshot`). Different categories or h-indexes across the pages
-- point to namesakes.
create or replace view analytics.snapshot_conflicts as
with observed as (
    select file_sha256, as_of, min(path) as path
    from meta.observations
    group by file_sha256, as_of
),

pages as (
    select
        staging_pages.researcher_id,
        observed.as_of,
        staging_pages.file_sha256,
        observed.path,
        staging_pages.listed_papers,
        staging_pages.primary_category,
        staging_pages.h_index,
    from staging.pages as staging_pages
    inner join observed using (file_sha256)
    where staging_pages.researcher_id is not null
),

contested as (
    select researcher_id, as_of
    from pages
    group by researcher_id, as_of
    having count(*) > 1
),

missing as (
    -- papers on the day's other pages that the kept page does not list
    select pages.researcher_id, pages.as_of, count(distinct entries.paper_id) as n_papers_not_in_snapshot
    from pages
    inner join contested using (researcher_id, as_of)
    inner join core.profile_snapshots as snapshots using (researcher_id, as_of)
    inner join staging.entries as entries on entries.file_sha256 = pages.file_sha256
    where pages.file_sha256 <> snapshots.source_file_sha256
      and entries.paper_id not in (
          select kept.paper_id from core.profile_papers as kept
          where kept.researcher_id = pages.researcher_id and kept.as_of = pages.as_of
      )
    group by pages.researcher_id, pages.as_of
),

final as (
    select
        pages.researcher_id,
        researchers.name,
        pages.as_of,
        count(*) as n_pages,
        any_value(snapshots.source_path) as kept_path,
        list(pages.path order by pages.listed_papers desc, pages.file_sha256)
            filter (where pages.file_sha256 <> snapshots.source_file_sha256) as other_paths,
        list(pages.listed_papers order by pages.listed_papers desc, pages.file_sha256) as listed_papers_per_page,
        list(distinct pages.primary_category) filter (where pages.primary_category is not null) as primary_categories,
        list(distinct pages.h_index) filter (where pages.h_index is not null) as h_indexes,
        coalesce(any_value(missing.n_papers_not_in_snapshot), 0) as n_papers_not_in_snapshot,
    from pages
    inner join contested using (researcher_id, as_of)
    inner join core.profile_snapshots as snapshots using (researcher_id, as_of)
    inner join core.researchers as researchers using (researcher_id)
    left join missing using (researcher_id, as_of)
    group by pages.researcher_id, researchers.name, pages.as_of
)

select * from final
