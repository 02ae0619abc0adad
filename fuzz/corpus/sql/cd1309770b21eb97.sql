SELEC Country FROM sales
