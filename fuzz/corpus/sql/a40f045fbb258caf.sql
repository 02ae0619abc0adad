SELECT Country, count(*) FROM sales WHERE false GROUP BY Country
