SELECT e.Country, s.Country FROM sales e JOIN sales s ON e.Country = s.Country
