-- analytics.coauthors: one row per researcher per co-author, for "who do they work
-- with" tables. A researcher's papers are those they are an author of in
-- core.paper_authors; a co-author is any other author of one of those papers.
-- `first_year`/`last_year` are the publication years of their first and last joint paper.
create or replace view analytics.coauthors as
with researchers as (
    select * from core.researchers
),

paper_authors as (
    select * from core.paper_authors
),

papers as (
    select * from core.papers
),

authors as (
    select * from core.authors
),

researcher_papers as (
    select
        researchers.researcher_id,
        paper_authors.paper_id,
    from researchers
    inner join paper_authors on paper_authors.author_id = researchers.researcher_id
),

joint_papers as (
    select
        researcher_papers.researcher_id,
        coauthor_links.author_id as coauthor_id,
        researcher_papers.paper_id,
        year(papers.published_on) as published_year,
    from researcher_papers
    inner join paper_authors as coauthor_links
        on coauthor_links.paper_id = researcher_papers.paper_id
        and coauthor_links.author_id <> researcher_papers.researcher_id
    inner join papers on papers.paper_id = researcher_papers.paper_id
),

final as (
    select
        joint_papers.researcher_id,
        joint_papers.coauthor_id,
        authors.name as coauthor_name,
        count(distinct joint_papers.paper_id) as n_joint_papers,
        min(joint_papers.published_year) as first_year,
        max(joint_papers.published_year) as last_year,
    from joint_papers
    left join authors on authors.author_id = joint_papers.coauthor_id
    group by joint_papers.researcher_id, joint_papers.coauthor_id, authors.name
)

select * from final
