SELECT t.Country, t.q, c.Region FROM (SELECT Country, sum(Quantity) AS q FROM sales GROUP BY Country) t LEFT JOIN countries c ON t.Country = c.Country
