-- analytics.code_release_rate: one row per publication year per paper category, over
-- every distinct paper in the warehouse, for "how often is code released" trends. A paper
-- counts as releasing code when it carries the page's Code marker or a code URL was found
-- in its abstract (has_code or code_url is not null).
create or replace view analytics.code_release_rate as
with papers as (
    select * from core.papers
),

categories as (
    select * from core.categories
),

flagged as (
    select
        paper_id,
        year(published_on) as published_year,
        category,
        has_code or code_url is not null as has_code_release,
    from papers
),

per_year_category as (
    select
        published_year,
        category,
        count(*) as n_papers,
        count(*) filter (where has_code_release) as n_with_code,
    from flagged
    group by published_year, category
),

final as (
    select
        per_year_category.published_year,
        per_year_category.category,
        categories.arxiv_id as category_arxiv_id,
        categories.name as category_name,
        per_year_category.n_papers,
        per_year_category.n_with_code,
        100.0 * per_year_category.n_with_code / per_year_category.n_papers as code_release_rate_pct,
    from per_year_category
    left join categories on categories.code = per_year_category.category
)

select * from final
