SELECT a.ac.aca % 3 AS k, count(*), sum(a.ac.acb), max(a.aa) FROM nested GROUP BY 1
