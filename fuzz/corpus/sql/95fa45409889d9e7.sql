SELECT Country, count(*) FROM (SELECT Country FROM sales UNION ALL SELECT Country FROM sales) GROUP BY Country
