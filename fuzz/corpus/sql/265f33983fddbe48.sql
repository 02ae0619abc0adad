SELECT g.Country, c.Region, count(*) FROM sales g LEFT JOIN countries c ON g.Country = c.Country GROUP BY 1, 2
