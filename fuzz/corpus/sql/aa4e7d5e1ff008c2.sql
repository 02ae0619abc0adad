SELECT c.Region, count(*) FROM sales g JOIN countries c ON g.Country = c.Country GROUP BY c.Region
