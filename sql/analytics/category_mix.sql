-- analytics.category_mix: one row per researcher per paper category, for "what do they
-- work on" breakdowns. A researcher's papers are those they are an author of in
-- core.paper_authors (any page, any snapshot); `share_pct` is the category's share of
-- them, 0-100, summing to 100 per researcher.
create or replace view analytics.category_mix as
with researchers as (
    select * from core.researchers
),

paper_authors as (
    select * from core.paper_authors
),

papers as (
    select * from core.papers
),

categories as (
    select * from core.categories
),

researcher_papers as (
    select
        researchers.researcher_id,
        papers.paper_id,
        papers.category,
    from researchers
    inner join paper_authors on paper_authors.author_id = researchers.researcher_id
    inner join papers on papers.paper_id = paper_authors.paper_id
),

per_category as (
    select
        researcher_id,
        category,
        count(*) as n_papers,
    from researcher_papers
    group by researcher_id, category
),

final as (
    select
        per_category.researcher_id,
        per_category.category,
        categories.arxiv_id as category_arxiv_id,
        categories.name as category_name,
        per_category.n_papers,
        100.0 * per_category.n_papers
            / sum(per_category.n_papers) over (partition by per_category.researcher_id) as share_pct,
    from per_category
    left join categories on categories.code = per_category.category
)

select * from final
