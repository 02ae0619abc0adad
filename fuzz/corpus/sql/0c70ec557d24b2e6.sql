SELECT Country FROM sales s JOIN countries c ON s.Country = c.Country
