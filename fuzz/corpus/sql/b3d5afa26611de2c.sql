SELECT Country, count(*) FROM sales GROUP BY Country HAVING count(*) > 20
