-- analytics.researcher_latest: one row per researcher, with the metrics of their latest
-- snapshot (the page with the most recent as_of). For leaderboards and researcher lookups.
-- `listed_papers` counts the papers on that latest page; `n_papers_in_warehouse` counts
-- the distinct papers the researcher is an author of in core.paper_authors, from any page
-- and any snapshot (their own pages, and co-authored papers listed on other researchers'
-- pages), so it can exceed `listed_papers`.
create or replace view analytics.researcher_latest as
with researchers as (
    select * from core.researchers
),

snapshots as (
    select * from core.profile_snapshots
),

paper_authors as (
    select * from core.paper_authors
),

papers_per_researcher as (
    select
        author_id as researcher_id,
        count(distinct paper_id) as n_papers_in_warehouse,
    from paper_authors
    group by author_id
),

final as (
    select
        researchers.researcher_id,
        researchers.name,
        researchers.primary_category,
        researchers.latest_as_of as as_of,
        snapshots.h_index,
        snapshots.citations,
        snapshots.paper_count,
        snapshots.novelty_pct,
        snapshots.ai_score,
        snapshots.listed_papers,
        coalesce(papers_per_researcher.n_papers_in_warehouse, 0) as n_papers_in_warehouse,
    from researchers
    left join snapshots
        on snapshots.researcher_id = researchers.researcher_id
        and snapshots.as_of = researchers.latest_as_of
    left join papers_per_researcher
        on papers_per_researcher.researcher_id = researchers.researcher_id
)

select * from final
