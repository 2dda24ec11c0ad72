-- analytics.collaboration_edges: one row per unordered pair of authors who wrote at least
-- one paper together (author_id_a < author_id_b), over every paper in core.papers, whether
-- or not either author owns a page. An edge list for graph tools (Gephi, networkx):
-- `weight` is the number of joint papers; `first_year`/`last_year` bound their
-- publication years.
create or replace view analytics.collaboration_edges as
with paper_authors as (
    select * from core.paper_authors
),

papers as (
    select * from core.papers
),

authors as (
    select * from core.authors
),

pairs as (
    select
        author_a.author_id as author_id_a,
        author_b.author_id as author_id_b,
        author_a.paper_id,
        year(papers.published_on) as published_year,
    from paper_authors as author_a
    inner join paper_authors as author_b
        on author_b.paper_id = author_a.paper_id
        and author_b.author_id > author_a.author_id
    inner join papers on papers.paper_id = author_a.paper_id
),

final as (
    select
        pairs.author_id_a,
        authors_a.name as name_a,
        pairs.author_id_b,
        authors_b.name as name_b,
        count(distinct pairs.paper_id) as weight,
        min(pairs.published_year) as first_year,
        max(pairs.published_year) as last_year,
    from pairs
    left join authors as authors_a on authors_a.author_id = pairs.author_id_a
    left join authors as authors_b on authors_b.author_id = pairs.author_id_b
    group by pairs.author_id_a, authors_a.name, pairs.author_id_b, authors_b.name
)

select * from final
