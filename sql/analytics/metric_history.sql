-- analytics.metric_history: one row per researcher per snapshot (as_of date), with each
-- header metric and its change since that researcher's previous snapshot. For trend
-- charts ("how did h-index and citations grow"). The `*_change` columns and
-- `days_since_previous` are NULL on a researcher's first snapshot, and a change is NULL
-- when the metric is missing from either page.
create or replace view analytics.metric_history as
with snapshots as (
    select * from core.profile_snapshots
),

with_previous as (
    select
        *,
        lag(as_of) over by_date as previous_as_of,
        lag(h_index) over by_date as previous_h_index,
        lag(citations) over by_date as previous_citations,
        lag(paper_count) over by_date as previous_paper_count,
        lag(novelty_pct) over by_date as previous_novelty_pct,
        lag(ai_score) over by_date as previous_ai_score,
        lag(listed_papers) over by_date as previous_listed_papers,
    from snapshots
    window by_date as (partition by researcher_id order by as_of)
),

final as (
    select
        researcher_id,
        as_of,
        previous_as_of,
        date_diff('day', previous_as_of, as_of) as days_since_previous,
        h_index,
        h_index - previous_h_index as h_index_change,
        citations,
        citations - previous_citations as citations_change,
        paper_count,
        paper_count - previous_paper_count as paper_count_change,
        novelty_pct,
        novelty_pct - previous_novelty_pct as novelty_pct_change,
        ai_score,
        ai_score - previous_ai_score as ai_score_change,
        listed_papers,
        listed_papers - previous_listed_papers as listed_papers_change,
    from with_previous
)

select * from final
