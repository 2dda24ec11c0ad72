-- analytics.papers_by_year: one row per researcher per publication year per category,
-- for output-over-time charts. A researcher's papers are those they are an author of in
-- core.paper_authors (any page, any snapshot). A paper "has code" when it carries the
-- page's Code marker or a code URL was found (has_code or code_url is not null), as in
-- analytics.code_release_rate.
create or replace view analytics.papers_by_year as
with researchers as (
    select * from core.researchers
),

paper_authors as (
    select * from core.paper_authors
),

papers as (
    select * from core.papers
),

researcher_papers as (
    select
        researchers.researcher_id,
        papers.paper_id,
        year(papers.published_on) as published_year,
        papers.category,
        papers.has_code or papers.code_url is not null as has_code_release,
    from researchers
    inner join paper_authors on paper_authors.author_id = researchers.researcher_id
    inner join papers on papers.paper_id = paper_authors.paper_id
),

final as (
    select
        researcher_id,
        published_year,
        category,
        count(*) as n_papers,
        count(*) filter (where has_code_release) as n_with_code,
    from researcher_papers
    group by researcher_id, published_year, category
)

select * from final
