-- analytics.top_scored_papers: one row per researcher per paper that has a score on the
-- researcher's latest page (papers without a score are left out), for "best papers"
-- lists. `score_rank` is 1 for the highest score within the researcher; equal scores share
-- a rank (rank(), so ranks may skip), so `where score_rank <= 5` is a top five with ties.
create or replace view analytics.top_scored_papers as
with researchers as (
    select * from core.researchers
),

profile_papers as (
    select * from core.profile_papers
),

papers as (
    select * from core.papers
),

latest_scored as (
    select
        profile_papers.researcher_id,
        profile_papers.as_of,
        profile_papers.paper_id,
        profile_papers.position,
        profile_papers.score,
    from profile_papers
    inner join researchers
        on researchers.researcher_id = profile_papers.researcher_id
        and researchers.latest_as_of = profile_papers.as_of
    where profile_papers.score is not null
),

final as (
    select
        latest_scored.researcher_id,
        latest_scored.as_of,
        rank() over (
            partition by latest_scored.researcher_id
            order by latest_scored.score desc
        ) as score_rank,
        latest_scored.paper_id,
        papers.title,
        papers.category,
        papers.published_on,
        latest_scored.score,
        latest_scored.position,
    from latest_scored
    inner join papers on papers.paper_id = latest_scored.paper_id
)

select * from final
