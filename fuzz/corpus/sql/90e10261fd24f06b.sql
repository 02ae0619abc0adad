SELECT s.Country, c.Region, count(*) FROM sales s JOIN countries c ON s.Country = c.Country GROUP BY s.Country, c.Region
