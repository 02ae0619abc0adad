SELECT s.Country, c.Region FROM sales s JOIN countries c ON s.Country = c.Country WHERE s.Country = 'Norway' AND s.Quantity > 20
