SELECT x.Country, x.n FROM (SELECT Country, count(*) AS n FROM sales GROUP BY Country) x WHERE x.n < 100
